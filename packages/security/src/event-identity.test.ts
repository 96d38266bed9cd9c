import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { newEvent, PoisonEventError, type CloudEvent, type EventPublisher } from '@commlab/events';
import { eventIdentity, eventIdentityFrom, noEventIdentity, sourceOf } from './event-identity.ts';
import { producerTrust } from './producer-identity.ts';

const order = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const trust = producerTrust({
  'spiffe://commlab/order': { key: order.publicKey, source: '/commlab/order', types: ['commlab.order.*'] },
});
const placed = () =>
  newEvent({
    source: '/commlab/order',
    type: 'commlab.order.placed.v1',
    subject: 'order-1',
    data: { orderId: 'order-1' },
    traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
  });

/** What a publisher seam hands on, caught instead of sent. */
function caught() {
  const sent: CloudEvent[] = [];
  const publisher: EventPublisher = { publish: async (event) => void sent.push(event), close: async () => {} };
  return { sent, publisher };
}

describe('who produced an event, at the seams', () => {
  const signing = eventIdentity({ signer: { identity: 'spiffe://commlab/order', privateKey: order.privateKey } });
  const checking = eventIdentity({ trust });

  it('signs without traceparent, so a send span rewriting it on the wire leaves the event verifiable', async () => {
    const { sent, publisher } = caught();
    await signing.publisher(publisher).publish(placed());
    expect(sent[0]).toMatchObject({ dssematerial: expect.any(String), traceparent: placed().traceparent });
    expect(sent[0]!.signedextattrs).toBeUndefined();

    const handled: CloudEvent[] = [];
    const rewritten = { ...sent[0]!, traceparent: '00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-bbbbbbbbbbbbbbbb-01' };
    await checking.handler(async (event) => void handled.push(event))(rewritten);
    expect(handled).toHaveLength(1);
    expect(handled[0]).toMatchObject({ subject: 'order-1', traceparent: rewritten.traceparent });
  });

  it('turns a refused producer into a poison event naming the reason, and never runs the handler', async () => {
    let ran = false;
    const handler = checking.handler(async () => void (ran = true));
    await expect(handler(placed())).rejects.toThrow(PoisonEventError);
    await expect(handler(placed())).rejects.toThrow(/^producer refused: unsigned/);
    expect(ran).toBe(false);
  });

  it('changes nothing when the settings are unset, and refuses a producer table without its certificates', () => {
    expect(eventIdentityFrom({})).toBe(noEventIdentity);
    expect(() => eventIdentityFrom({ EVENT_PRODUCERS: 'spiffe://commlab/order=commlab.order.*' })).toThrow(
      'EVENT_PRODUCERS needs EVENT_PRODUCERS_DIR',
    );
  });

  it('names the CloudEvents source a SPIFFE ID may claim', () => {
    expect(sourceOf('spiffe://commlab/order')).toBe('/commlab/order');
  });
});
