import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkEventProducer, producerTrust, signEvent, type SignableEvent } from './producer-identity.ts';

const order = generateKeyPairSync('ed25519');
const inventory = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const stranger = generateKeyPairSync('ed25519');

const trust = producerTrust({
  'spiffe://commlab/order': { key: order.publicKey, source: '/commlab/order', types: ['commlab.order.*'] },
  'spiffe://commlab/inventory': {
    key: inventory.publicKey,
    source: '/commlab/inventory',
    types: ['commlab.inventory.*'],
  },
});

const placed: SignableEvent = {
  specversion: '1.0',
  id: 'e-1',
  source: '/commlab/order',
  type: 'commlab.order.placed.v1',
  subject: 'order-7',
  time: '2026-01-02T03:04:05.678Z',
  datacontenttype: 'application/json',
  data: { orderId: 'order-7', lines: [{ sku: 'KB-001', quantity: 2 }] },
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
};
const byOrder = { identity: 'spiffe://commlab/order', privateKey: order.privateKey };

describe('signing who produced an event (CloudEvents verifiability, DSSE)', () => {
  it('lets a consumer confirm the producer of an unchanged event, with every signed attribute', () => {
    const signed = signEvent(placed, byOrder);
    expect(signed.signedextattrs).toBe('traceparent');
    const check = checkEventProducer(signed, trust);
    expect(check).toEqual({ ok: true, producer: 'spiffe://commlab/order', event: placed });
  });

  it('works with an EC key as with Ed25519', () => {
    const reserved = {
      ...placed,
      id: 'e-2',
      source: '/commlab/inventory',
      type: 'commlab.inventory.stock-reserved.v1',
    };
    const signed = signEvent(reserved, { identity: 'spiffe://commlab/inventory', privateKey: inventory.privateKey });
    expect(checkEventProducer(signed, trust)).toMatchObject({ ok: true, producer: 'spiffe://commlab/inventory' });
  });

  it('survives the event being re-serialised: the time in another zone, the data parsed and written again', () => {
    const signed = signEvent(placed, byOrder);
    const received = { ...JSON.parse(JSON.stringify(signed)), time: '2026-01-02T04:04:05.678+01:00' };
    expect(checkEventProducer(received, trust).ok).toBe(true);
  });

  const refusals: { row: string; event: () => SignableEvent; reason: RegExp }[] = [
    { row: 'an unsigned event', event: () => placed, reason: /^unsigned/ },
    {
      row: 'a producer header but no signature',
      event: () => ({ ...placed, producer: 'spiffe://commlab/order' }),
      reason: /^unsigned/,
    },
    {
      row: 'data changed after signing',
      event: () => ({ ...signEvent(placed, byOrder), data: { orderId: 'order-8' } }),
      reason: /altered after spiffe:\/\/commlab\/order/,
    },
    {
      row: 'the subject changed',
      event: () => ({ ...signEvent(placed, byOrder), subject: 'order-8' }),
      reason: /altered/,
    },
    {
      row: 'a signed extension dropped from signedextattrs',
      event: () => ({ ...signEvent(placed, byOrder), signedextattrs: undefined }),
      reason: /altered/,
    },
    {
      row: 'signedextattrs naming a core attribute',
      event: () => ({ ...signEvent(placed, byOrder), signedextattrs: 'traceparent,id' }),
      reason: /signedextattrs breaks the extension rules/,
    },
    {
      row: 'a key nobody trusts, claiming to be order',
      event: () => signEvent(placed, { identity: 'spiffe://commlab/order', privateKey: stranger.privateKey }),
      reason: /the signature of spiffe:\/\/commlab\/order does not verify/,
    },
    {
      row: 'an identity nobody trusts',
      event: () => signEvent(placed, { identity: 'spiffe://commlab/mallory', privateKey: stranger.privateKey }),
      reason: /unknown producer \(spiffe:\/\/commlab\/mallory\)/,
    },
    {
      row: 'inventory emitting an order event',
      event: () =>
        signEvent(
          { ...placed, source: '/commlab/inventory' },
          { identity: 'spiffe://commlab/inventory', privateKey: inventory.privateKey },
        ),
      reason: /spiffe:\/\/commlab\/inventory may not emit commlab.order.placed.v1/,
    },
    {
      row: 'order claiming another source',
      event: () => signEvent({ ...placed, source: '/commlab/inventory' }, byOrder),
      reason: /may not emit commlab.order.placed.v1 from \/commlab\/inventory/,
    },
    {
      row: 'garbage in dssematerial',
      event: () => ({ ...placed, dssematerial: 'bm90IGpzb24=' }),
      reason: /^corrupt dssematerial/,
    },
  ];

  it.each(refusals)('refuses $row, with the reason to dead-letter it with', ({ event, reason }) => {
    const check = checkEventProducer(event(), trust);
    expect(check.ok).toBe(false);
    expect(!check.ok && check.reason).toMatch(reason);
  });

  it('returns only what was signed: an extension added after signing does not reach the consumer', () => {
    const check = checkEventProducer({ ...signEvent(placed, byOrder), injected: 'x' }, trust);
    expect(check.ok && check.event).not.toHaveProperty('injected');
  });
});
