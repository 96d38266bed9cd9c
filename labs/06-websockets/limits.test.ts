import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { closeCodes, subprotocol } from '@commlab/push';
import { labForThisFile } from '@commlab/lab/testing';
import { inject, openSocket, orderEvent, subscribed, tokenFor, until } from './push-helpers.ts';

// Limits dialled down so each one is reached quickly; the behaviour is the same at the defaults.
const settings = { PUSH_HEARTBEAT_MS: '300', PUSH_MAX_MESSAGE_BYTES: '1024', PUSH_RATE_PER_SEC: '5' };

describe('lab 06-websockets: heartbeats, auth, limits and bad input', () => {
  const lab = labForThisFile('06-websockets', { env: { notification: settings } });

  const customer = () => `c-${randomUUID()}`;

  it('terminates a connection that stops answering pings, and keeps one that answers', async () => {
    const healthy = await subscribed(lab, customer());
    const silent = await subscribed(lab, customer(), {}, { autoPong: false });
    const { code } = await silent.closed;
    expect(silent.pings()).toBeGreaterThanOrEqual(1);
    expect(code).toBe(1006); // terminated: no close handshake with a peer presumed dead
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    healthy.socket.close();
  });

  it.each([
    ['no token', 401, {}],
    [
      'a token signed with another secret',
      401,
      { authorization: 'Bearer eyJzdWIiOiJjLTEiLCJleHAiOjk5OTk5OTk5OTl9.c2lnbmF0dXJl' },
    ],
    ['an expired token', 401, { authorization: `Bearer ${tokenFor('c-1', -10)}` }],
    [
      'a token and a foreign origin',
      403,
      { authorization: `Bearer ${tokenFor('c-1')}`, origin: 'http://evil.example' },
    ],
  ])('refuses an upgrade with %s by HTTP %i, never opening a socket', async (_label, status, headers) => {
    const socket = new WebSocket(`ws://${lab.addr('notification')}/ws`, [subprotocol], { headers });
    const outcome = await new Promise<{ status?: number; opened: boolean; body?: string }>((resolve) => {
      socket.once('open', () => resolve({ opened: true }));
      socket.once('unexpected-response', (_request, response) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk));
        response.on('end', () => resolve({ status: response.statusCode, opened: false, body }));
      });
    });
    expect(outcome).toMatchObject({ status, opened: false });
    expect(JSON.parse(outcome.body!)).toMatchObject({
      status,
      type: status === 401 ? '/problems/unauthorized' : '/problems/forbidden-origin',
    });
  });

  it('accepts a browser from the console origin, with the token as a subprotocol', async () => {
    const consoleOrigin = `http://127.0.0.1:${new URL(lab.url('console')).port}`;
    const socket = new WebSocket(`ws://${lab.addr('notification')}/ws`, [subprotocol, `bearer.${tokenFor('c-1')}`], {
      headers: { origin: consoleOrigin },
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    expect(socket.protocol).toBe(subprotocol);
    socket.close();
  });

  it('closes a connection with 4401 when its token expires', async () => {
    const id = customer();
    // Expiry is in whole seconds: a 1 s token may have only milliseconds left, too few to
    // connect on a busy machine (seen: 401 at upgrade). With 3 s it lives 2–3 s.
    const client = await openSocket(lab, id, { token: tokenFor(id, 3) });
    client.send({ type: 'subscribe' });
    const { code, reason } = await client.closed;
    expect(code).toBe(closeCodes.tokenExpired);
    expect(reason).toBe('token expired');
  });

  it('refuses SSE and long-polling without a valid token too', async () => {
    for (const path of ['/sse', '/poll']) {
      const response = await fetch(`${lab.url('notification')}${path}`, { headers: { authorization: 'Bearer nope' } });
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    }
  });

  it.each([
    ['a frame that is not JSON', '{"type": "subscribe"', 'INVALID_JSON'],
    ['a binary frame', Buffer.from([1, 2, 3]), 'BINARY_NOT_SUPPORTED'],
  ])('answers %s with a fatal error frame and closes 4400', async (_label, frame, code) => {
    const client = await openSocket(lab, customer());
    client.socket.send(frame);
    const closed = await client.closed;
    expect(client.messages).toEqual([{ type: 'error', code, message: expect.any(String), fatal: true }]);
    expect(closed.code).toBe(closeCodes.protocolError);
  });

  it.each([
    ['an unknown message type', { type: 'unsubscribe' }, 'UNKNOWN_TYPE'],
    ['a subscribe with a negative id', { type: 'subscribe', after: -1 }, 'INVALID_MESSAGE'],
    ['a subscribe with an unknown field', { type: 'subscribe', from: 3 }, 'INVALID_MESSAGE'],
    ['a subscribe with an empty order list', { type: 'subscribe', orders: [] }, 'INVALID_MESSAGE'],
  ])('answers %s with an error frame and keeps the connection usable', async (_label, message, code) => {
    const id = customer();
    const client = await openSocket(lab, id);
    client.send(message);
    await until(() => client.messages.length === 1, 'an error frame');
    expect(client.messages[0]).toEqual({ type: 'error', code, message: expect.any(String), fatal: false });
    client.send({ type: 'subscribe' });
    await until(() => client.messages.some((m) => m.type === 'subscribed'), 'subscribed after the error');
    const [eventId] = await inject(lab.url('notification'), [orderEvent(id, 'o-1')]);
    await until(() => client.events().length === 1, 'an event');
    expect(client.events()[0]!.id).toBe(eventId);
    client.socket.close();
  });

  it('refuses a second subscribe on one connection', async () => {
    const client = await subscribed(lab, customer());
    client.send({ type: 'subscribe' });
    await until(() => client.messages.some((m) => m.type === 'error'), 'an error frame');
    expect(client.messages.at(-1)).toMatchObject({ type: 'error', code: 'ALREADY_SUBSCRIBED', fatal: false });
    client.socket.close();
  });

  it('closes with 1009 on a frame over the size limit', async () => {
    const client = await openSocket(lab, customer());
    client.send({ type: 'subscribe', orders: Array.from({ length: 60 }, (_, i) => `order-${i}-${'x'.repeat(20)}`) });
    expect((await client.closed).code).toBe(closeCodes.tooBig);
  });

  it('closes with 1008 after an error frame when a client sends faster than the rate limit', async () => {
    const client = await openSocket(lab, customer());
    for (let i = 0; i < 20; i++) client.send({ type: 'ping' });
    const closed = await client.closed;
    expect(closed.code).toBe(closeCodes.policy);
    expect(client.messages.at(-1)).toMatchObject({ type: 'error', code: 'RATE_LIMITED', fatal: true });
  });

  it('refuses injected events it cannot route, storing none of the batch', async () => {
    const id = customer();
    const response = await fetch(`${lab.url('notification')}/inject`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify([orderEvent(id, 'o-1'), { type: 'commlab.order.placed.v1', subject: 'o-2', data: {} }]),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: '/problems/validation',
      detail: expect.stringMatching(/event 1: .*data\.customerId/),
    });
    const poll = await fetch(`${lab.url('notification')}/poll?after=0&waitMs=0`, {
      headers: { authorization: `Bearer ${tokenFor(id)}` },
    });
    expect(((await poll.json()) as { events: unknown[] }).events).toEqual([]);
  });
});
