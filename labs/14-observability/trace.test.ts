import WebSocket from 'ws';
import { describe, expect, it } from 'vitest';
import { openBrowser, openConsole } from '@commlab/lab/browser';
import { labForThisFile } from '@commlab/lab/testing';
import { signToken, subprotocol, type ServerMessage } from '@commlab/push';
import { newTraceparent, traceOf, type ZipkinSpan } from './zipkin.ts';

const lines = [{ sku: 'KB-001', quantity: 1 }];

describe('lab 14-observability: one order is one trace', () => {
  const lab = labForThisFile('14-observability', { connect: () => undefined });
  const zipkin = () => lab.resolve('${zipkin.url}');

  /** Places an order with these headers, and waits until its first event is pushed over the WebSocket. */
  async function placeAndHear(customerId: string, headers: Record<string, string> = {}) {
    const token = signToken('commlab-lab-secret', customerId, 600);
    const socket = new WebSocket(`ws://${lab.addr('notification')}/ws`, [subprotocol], {
      headers: { authorization: `Bearer ${token}` },
    });
    const messages: ServerMessage[] = [];
    socket.on('message', (data) => messages.push(JSON.parse(String(data)) as ServerMessage));
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'subscribe' }));
    await expect.poll(() => messages.some((m) => m.type === 'subscribed')).toBe(true);

    const placed = await fetch(`${lab.url('order')}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ customerId, lines }),
    });
    expect(placed.status).toBe(201);
    const order = (await placed.json()) as { id: string };
    await expect.poll(() => messages.filter((m) => m.type === 'event').length, { timeout: 10_000 }).toBe(2);
    socket.close();
    return order;
  }

  /** The trace once Zipkin holds every span we expect of one order (spans arrive in batches). */
  async function wholeTrace(traceId: string): Promise<ZipkinSpan[]> {
    let spans: ZipkinSpan[] = [];
    await expect
      .poll(
        async () => {
          spans = await traceOf(zipkin(), traceId);
          const count = (service: string, kind: ZipkinSpan['kind']) =>
            spans.filter((s) => s.localEndpoint.serviceName === service && s.kind === kind).length;
          // Each service exports its own batches: wait until every side has arrived.
          return [
            count('order', 'SERVER'),
            count('order', 'CLIENT'),
            count('order', 'PRODUCER'),
            count('inventory', 'SERVER'),
            count('notification', 'PRODUCER'),
          ].join();
        },
        { timeout: 15_000, interval: 300 },
      )
      .toBe('1,1,2,1,2');
    return spans;
  }

  it('follows the order across REST, gRPC, the outbox, RabbitMQ and the WebSocket push, parent to child', async () => {
    const caller = newTraceparent();
    await placeAndHear('trace-reader', { traceparent: caller.traceparent });
    const spans = await wholeTrace(caller.traceId);
    const byId = new Map(spans.map((s) => [s.id, s]));
    const parentOf = (span: ZipkinSpan) => (span.parentId ? byId.get(span.parentId) : undefined);
    const one = (service: string, kind: ZipkinSpan['kind'], name: RegExp) => {
      const found = spans.filter(
        (s) => s.localEndpoint.serviceName === service && s.kind === kind && name.test(s.name),
      );
      expect(found, `${service} ${kind} ${name}`).not.toHaveLength(0);
      return found;
    };

    // The caller's traceparent is the parent of the whole flow.
    const [post] = one('order', 'SERVER', /^post/);
    expect(post!.parentId).toBe(caller.spanId);
    // REST → gRPC: order's client call is inside the request; inventory's server span is its child.
    const [reserveClient] = one('order', 'CLIENT', /reserve/i);
    const [reserveServer] = one('inventory', 'SERVER', /reserve/i);
    expect(reserveServer!.parentId).toBe(reserveClient!.id);
    // Outbox → RabbitMQ: each event's send span continues the request that stored it.
    const sends = one('order', 'PRODUCER', /^send /);
    expect(sends).toHaveLength(2);
    for (const send of sends) expect(send.parentId).toBe(post!.id);
    // RabbitMQ → notification → WebSocket: process is the send's child, the push is the process'.
    const processes = one('notification', 'CONSUMER', /^process /);
    expect(processes.map((p) => parentOf(p)?.id).sort()).toEqual(sends.map((s) => s.id).sort());
    const pushes = one('notification', 'PRODUCER', /websocket push/);
    expect(pushes.map((p) => parentOf(p)?.kind)).toEqual(['CONSUMER', 'CONSUMER']);

    expect(new Set(spans.map((s) => s.localEndpoint.serviceName))).toEqual(
      new Set(['order', 'inventory', 'notification']),
    );
    expect(sends[0]!.tags).toMatchObject({ 'messaging.system': 'rabbitmq', 'messaging.operation.name': 'send' });
  });

  it('ignores a malformed traceparent: the order succeeds and starts a trace of its own', async () => {
    const malformed = '00-not-a-trace-01';
    await placeAndHear('trace-malformed', { traceparent: malformed });
    const logs = await lab.logs('order');
    const line = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .findLast((l) => String(l.msg).startsWith('POST /orders 201'));
    expect(line?.trace_id).toMatch(/^[0-9a-f]{32}$/);
    const spans = await wholeTrace(line!.trace_id as string);
    const post = spans.find((s) => s.kind === 'SERVER' && s.localEndpoint.serviceName === 'order');
    expect(post?.parentId).toBeUndefined();
  });

  it("links an order on the console to its trace's page in Zipkin", async () => {
    const caller = newTraceparent();
    const { id } = await placeAndHear('trace-console', { traceparent: caller.traceparent });
    await wholeTrace(caller.traceId);
    // The link beside the order on the console page: a redirect to Zipkin's page of the trace.
    const link = await fetch(`${lab.url('console')}/api/orders/${id}/trace`, { redirect: 'manual' });
    expect(link.status).toBe(302);
    const location = new URL(link.headers.get('location')!);
    expect(location.pathname).toBe(`/zipkin/traces/${caller.traceId}`);
    expect(location.port).toBe(new URL(zipkin()).port);
    expect((await fetch(location)).status).toBe(200);
    // An order Zipkin holds nothing of (never placed) has no trace to show.
    const none = await fetch(`${lab.url('console')}/api/orders/00000000-0000-0000-0000-000000000000/trace`);
    expect(none.status).toBe(404);
    expect(await none.json()).toMatchObject({ type: '/problems/trace-not-found' });
  });

  it('opens the trace of an order placed on the console page from the link beside it', async () => {
    const browser = await openBrowser();
    try {
      const { page, errors } = await openConsole(browser, lab.url('console'), ['order', 'inventory', 'notification']);
      await page.click('#place-order');
      const newest = page.locator('#orders tr[data-order]').first();
      await newest.waitFor();
      const orderId = (await newest.getAttribute('data-order'))!;
      // Pinned by its id: `first()` is looked up again at each use, and an earlier test's order
      // arriving on the page in between would take the top row (its link, its trace).
      const row = page.locator(`#orders tr[data-order="${orderId}"]`);
      // Zipkin gets each service's spans in batches: the link leads somewhere once it has the order's.
      const query = new URLSearchParams({ annotationQuery: `cloudevents.event_subject=${orderId}`, limit: '1' });
      let traceId: string | undefined;
      await expect
        .poll(
          async () => {
            const found = (await (await fetch(`${zipkin()}/api/v2/traces?${query}`)).json()) as ZipkinSpan[][];
            return (traceId = found[0]?.[0]?.traceId);
          },
          { timeout: 15_000, interval: 300 },
        )
        .toMatch(/^[0-9a-f]{32}$/);
      const [zipkinPage] = await Promise.all([page.context().waitForEvent('page'), row.locator('a.trace').click()]);
      await zipkinPage.waitForURL(`**/zipkin/traces/${traceId}`);
      expect(errors).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('writes the trace id into every log line of a traced request, in every service', async () => {
    const caller = newTraceparent();
    const { id } = await placeAndHear('trace-logs', { traceparent: caller.traceparent });
    await wholeTrace(caller.traceId);
    const tagged = async (service: string) =>
      (await lab.logs(service))
        .map((l) => JSON.parse(l) as Record<string, unknown>)
        .filter((l) => l.trace_id === caller.traceId);
    // order: the request's line.
    const orderLines = await tagged('order');
    expect(orderLines.map((l) => l.msg)).toEqual([expect.stringMatching(/^POST \/orders 201 /)]);
    // notification: the two "notify" lines written while consuming the order's events.
    const notified = (await tagged('notification')).filter((l) => String(l.msg).includes(id));
    expect(notified).toHaveLength(2);
    // And no line that mentions the order lacks it: every line of the traced flow carries it.
    for (const service of ['order', 'notification']) {
      const mentioning = (await lab.logs(service)).filter((l) => l.includes(id));
      for (const l of mentioning) expect(JSON.parse(l)).toMatchObject({ trace_id: caller.traceId });
    }
  });
});
