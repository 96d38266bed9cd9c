import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PushClient } from '@commlab/push/client.js';
import type { PushEvent } from '@commlab/push';
import { labForThisFile } from '@commlab/lab/testing';
import { inject, orderEvent, subscribed, tokenFor, until } from './push-helpers.ts';

describe('lab 06-websockets: reconnect with resume', () => {
  const lab = labForThisFile('06-websockets');

  it('sends a reconnecting client exactly the events it missed, after the id it names', async () => {
    const customer = `c-${randomUUID()}`;
    const first = await subscribed(lab, customer);
    const before = await inject(lab.url('notification'), [orderEvent(customer, 'o-1'), orderEvent(customer, 'o-2')]);
    await until(() => first.events().length === 2, 'the first two events');
    first.socket.close(1000);
    await first.closed;

    const missed = await inject(lab.url('notification'), [
      orderEvent(customer, 'o-1', 'confirmed'),
      orderEvent(customer, 'o-3'),
    ]);
    const second = await subscribed(lab, customer, { after: before.at(-1)! });
    const later = await inject(lab.url('notification'), [orderEvent(customer, 'o-2', 'cancelled')]);
    await until(() => second.events().length === 3, 'missed and new events');

    expect(first.events().map((e) => e.id)).toEqual(before);
    expect(second.events().map((e) => e.id)).toEqual([...missed, ...later]);
    expect(second.events().map((e) => [e.orderId, e.status])).toEqual([
      ['o-1', 'confirmed'],
      ['o-3', 'pending'],
      ['o-2', 'cancelled'],
    ]);
    second.socket.close();
  });

  it('resumes across a notification restart with no gap and no duplicate, ids still increasing', async () => {
    const customer = `c-${randomUUID()}`;
    const received: PushEvent[] = [];
    const states: string[] = [];
    const client = new PushClient({
      url: `ws://${lab.addr('notification')}/ws`,
      token: () => tokenFor(customer),
      after: 0,
      initialDelayMs: 50,
      maxDelayMs: 500,
      onEvent: (event) => received.push(event),
      onStatus: (status) => states.push(status.state),
    }).start();
    await until(() => states.includes('open'), 'client open');

    const sent = await inject(
      lab.url('notification'),
      [1, 2, 3].map((n) => orderEvent(customer, `o-${n}`)),
    );
    await until(() => received.length === 3, 'events before the restart');
    await lab.restartService('notification');
    // Appended while the client may still be reconnecting: it must get these from the feed.
    sent.push(
      ...(await inject(
        lab.url('notification'),
        [4, 5, 6].map((n) => orderEvent(customer, `o-${n}`)),
      )),
    );
    await until(() => received.length >= 6, 'events after the restart');
    sent.push(...(await inject(lab.url('notification'), [orderEvent(customer, 'o-7')])));
    await until(() => received.length >= 7, 'a live event after the resume');
    client.stop();

    expect(received.map((e) => e.id)).toEqual(sent);
    expect(states.filter((s) => s === 'open').length).toBeGreaterThanOrEqual(2);
    expect(sent[3]!).toBeGreaterThan(sent[2]!);
  });

  it('sends only the orders a client subscribed to, and says where it starts', async () => {
    const customer = `c-${randomUUID()}`;
    const client = await subscribed(lab, customer, { orders: ['o-keep'] });
    await inject(lab.url('notification'), [
      orderEvent(customer, 'o-skip'),
      orderEvent(customer, 'o-keep'),
      orderEvent(customer, 'o-skip', 'confirmed'),
    ]);
    await inject(lab.url('notification'), [orderEvent(customer, 'o-keep', 'confirmed')]);
    await until(() => client.events().length === 2, 'the two o-keep events');
    expect(client.events().map((e) => `${e.orderId} ${e.status}`)).toEqual(['o-keep pending', 'o-keep confirmed']);
    expect(client.messages[0]).toMatchObject({ type: 'subscribed', orders: ['o-keep'] });
    client.socket.close();
  });

  it('resumes Server-Sent Events from Last-Event-ID, as a reconnecting EventSource does', async () => {
    const customer = `c-${randomUUID()}`;
    const [first, ...rest] = await inject(
      lab.url('notification'),
      [1, 2, 3].map((n) => orderEvent(customer, `o-${n}`)),
    );
    const abort = new AbortController();
    const response = await fetch(`${lab.url('notification')}/sse`, {
      headers: { authorization: `Bearer ${tokenFor(customer)}`, 'last-event-id': String(first) },
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while ((text.match(/^id: /gm) ?? []).length < rest.length) text += (await reader.read()).value ?? '';
    abort.abort();
    expect([...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]))).toEqual(rest);
    expect(text).toContain(`event: subscribed\ndata: {"after":${first}}`);
  });

  it('holds a long-poll until an event arrives, then answers it with the id to ask after next', async () => {
    const customer = `c-${randomUUID()}`;
    const headers = { authorization: `Bearer ${tokenFor(customer)}` };
    const start = (await (await fetch(`${lab.url('notification')}/poll?waitMs=0`, { headers })).json()) as {
      last: number;
    };
    const held = fetch(`${lab.url('notification')}/poll?after=${start.last}&waitMs=20000`, { headers });
    const [id] = await inject(lab.url('notification'), [orderEvent(customer, 'o-1')]);
    const answer = (await (await held).json()) as { events: { id: number }[]; last: number };
    expect(answer.events.map((e) => e.id)).toEqual([id]);
    expect(answer.last).toBe(id);
  });
});
