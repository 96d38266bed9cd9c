import { setTimeout as sleep } from 'node:timers/promises';
import amqp, { type ConsumeMessage } from 'amqplib';
import { describe, expect, it, vi } from 'vitest';
import { labForThisFile, type LabUnderTest } from '@commlab/lab/testing';
import { labClient } from './lab-client.ts';
import { sagaClient } from './saga-client.ts';

// Started in containers on a busy machine, the lab can take longer than the default 90 s to be healthy.
vi.setConfig({ hookTimeout: 240_000 });

// The checkout saga with its payment step, both ways: `order` choreographs it by events,
// `order-orchestrated` has a saga orchestrator drive it. payment declines above 10 units
// (PAYMENT_LIMIT in lab.ts), so 11 of one SKU make the payment step fail.
const connect = (lab: LabUnderTest) => {
  const base = labClient(lab);
  const saga = sagaClient(lab);
  return {
    ...saga,
    stream: base.stream,
    close: async () => {
      saga.close();
      await base.close();
    },
  };
};

const choreographed = 'order' as const;
const orchestrated = 'order-orchestrated' as const;
const declinedQuantity = 11;

/** Waits until `read` answers `expected` (stock released, say), or fails with what it answered last. */
async function eventually<T>(read: () => Promise<T>, expected: T, timeoutMs = 20_000): Promise<void> {
  let last: T | undefined;
  for (const until = Date.now() + timeoutMs; Date.now() < until; await sleep(50)) {
    last = await read();
    if (JSON.stringify(last) === JSON.stringify(expected)) return;
  }
  expect(last).toEqual(expected);
}

describe('lab 08: the checkout saga', () => {
  const lab = labForThisFile('08-event-sourcing', { connect });

  it('choreography: reserved stock → payment → order confirmed, by events only', async () => {
    const { status, body } = await lab.client.place(choreographed, 'saga-c-1', [{ sku: 'WC-005', quantity: 2 }]);
    expect(status).toBe(202);
    const order = await lab.client.settled(choreographed, body.id);
    expect(order.status).toBe('confirmed');
    expect((await lab.client.payment(order.id)).body).toMatchObject({ status: 'completed', amount: 2 });
    const { body: stream } = await lab.client.stream(order.id);
    expect(stream.events.map((event) => event.type)).toEqual(['commlab.order.placed.v1', 'commlab.order.confirmed.v1']);
  });

  it('choreography: payment declined → the order is cancelled and inventory releases its stock', async () => {
    const before = await lab.client.available('DK-006');
    const { body } = await lab.client.place(choreographed, 'saga-c-2', [{ sku: 'DK-006', quantity: declinedQuantity }]);
    const order = await lab.client.settled(choreographed, body.id);
    expect(order.status).toBe('cancelled');
    expect((await lab.client.payment(order.id)).body).toMatchObject({ status: 'declined', code: 'LIMIT_EXCEEDED' });
    await eventually(() => lab.client.available('DK-006'), before);
    const { body: stream } = await lab.client.stream(order.id);
    expect(stream.events.map((event) => event.type)).toEqual(['commlab.order.placed.v1', 'commlab.order.cancelled.v1']);
  });

  it('orchestration: the orchestrator reserves, pays and confirms, each step in the saga history', async () => {
    const { status, body } = await lab.client.place(orchestrated, 'saga-o-1', [{ sku: 'WC-005', quantity: 1 }]);
    expect(status).toBe(202);
    expect((await lab.client.settled(orchestrated, body.id)).status).toBe('confirmed');
    const { body: saga } = await lab.client.saga(body.id);
    expect(saga).toMatchObject({ step: 'done', status: 'completed' });
    expect(saga.history.map((entry) => [entry.step, entry.outcome])).toEqual([
      ['reserve', 'reserved'],
      ['pay', 'paid 1'],
      ['confirm', 'order confirmed'],
    ]);
  });

  it('orchestration: payment declined → compensated in reverse: stock released, order cancelled', async () => {
    const before = await lab.client.available('HD-004');
    const { body } = await lab.client.place(orchestrated, 'saga-o-2', [{ sku: 'HD-004', quantity: declinedQuantity }]);
    expect((await lab.client.settled(orchestrated, body.id)).status).toBe('cancelled');
    const { body: saga } = await lab.client.saga(body.id);
    expect(saga).toMatchObject({ step: 'done', status: 'compensated', reason: { code: 'LIMIT_EXCEEDED' } });
    expect(saga.history.map((entry) => entry.step)).toEqual(['reserve', 'pay', 'release', 'cancel']);
    expect(await lab.client.available('HD-004')).toBe(before);
  });

  it('payment killed mid-saga, then the orchestrator SIGKILLed: once they are back, every saga finishes or compensates', async () => {
    const before = await lab.client.available('MS-002');
    // Payment down holds every saga at its payment step, with its stock reserved.
    const down = new Set(['payment']);
    await lab.killService('payment');
    const placed: { service: typeof choreographed | typeof orchestrated; id: string; quantity: number }[] = [];
    try {
      for (const service of [choreographed, orchestrated]) {
        for (const quantity of [1, 2, declinedQuantity]) {
          const { body } = await lab.client.place(service, 'saga-kill', [{ sku: 'MS-002', quantity }]);
          placed.push({ service, id: body.id, quantity });
        }
      }
      const reserved = placed.reduce((sum, { quantity }) => sum + quantity, 0);
      // The orchestrated sagas wait at `pay`; the choreographed orders wait pending, their stock-reserved queued for payment.
      for (const { id } of placed.filter((p) => p.service === orchestrated)) {
        await eventually(async () => (await lab.client.saga(id)).body.step, 'pay');
      }
      await eventually(() => lab.client.available('MS-002'), before - reserved);
      for (const { service, id } of placed) expect((await lab.client.order(service, id)).body.status).toBe('pending');
      // The orchestrator dies mid-saga (SIGKILL: no clean-up), and comes back after payment.
      down.add(orchestrated);
      await lab.killService(orchestrated);
    } finally {
      // Back in any case, so the tests after this one find the lab whole.
      for (const service of down) await lab.startService(service);
    }
    for (const { service, id, quantity } of placed) {
      const order = await lab.client.settled(service, id);
      expect(order.status).toBe(quantity === declinedQuantity ? 'cancelled' : 'confirmed');
      if (service === orchestrated) {
        const { body: saga } = await lab.client.saga(id);
        expect(saga.status).toBe(quantity === declinedQuantity ? 'compensated' : 'completed');
      }
    }
    // The declined orders' stock is back; the paid ones keep theirs.
    await eventually(() => lab.client.available('MS-002'), before - 2 * (1 + 2));
  }, 180_000);

  it('choreography: duplicated and reordered real messages on the broker change nothing', async () => {
    const connection = await amqp.connect(process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
    try {
      const channel = await connection.createChannel();
      const exchange = `${lab.env(choreographed).EVENT_NAMESPACE}.events`;
      await channel.assertExchange(exchange, 'topic', { durable: true });
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
      for (const key of ['commlab.inventory.#', 'commlab.payment.#', 'commlab.order.#']) {
        await channel.bindQueue(queue, exchange, key);
      }
      const seen: ConsumeMessage[] = [];
      await channel.consume(queue, (message) => message && seen.push(message), { noAck: true });

      const before = await lab.client.available('DK-006');
      const paid = (await lab.client.place(choreographed, 'saga-dup', [{ sku: 'DK-006', quantity: 1 }])).body;
      const declined = (
        await lab.client.place(choreographed, 'saga-dup', [{ sku: 'DK-006', quantity: declinedQuantity }])
      ).body;
      expect((await lab.client.settled(choreographed, paid.id)).status).toBe('confirmed');
      expect((await lab.client.settled(choreographed, declined.id)).status).toBe('cancelled');
      await eventually(() => lab.client.available('DK-006'), before - 1);
      const subjectOf = (message: ConsumeMessage) => String(message.properties.headers?.cloudEvents_subject);
      // Every message of the two sagas: placed, stock-reserved, payment's answer, confirmed/cancelled.
      await eventually(async () => seen.filter((m) => [paid.id, declined.id].includes(subjectOf(m))).length, 8);
      const captured = seen.filter((m) => [paid.id, declined.id].includes(subjectOf(m)));

      // All of them again, newest first: each consumer sees the end of a saga before its start.
      for (const message of [...captured].reverse()) {
        channel.publish(exchange, message.fields.routingKey, message.content, message.properties);
      }
      // A fresh order behind them in every queue: once it settled, the repeats were handled.
      const marker = (await lab.client.place(choreographed, 'saga-dup', [{ sku: 'WC-005', quantity: 1 }])).body;
      expect((await lab.client.settled(choreographed, marker.id)).status).toBe('confirmed');

      expect((await lab.client.order(choreographed, paid.id)).body).toMatchObject({ status: 'confirmed', version: 2 });
      expect((await lab.client.order(choreographed, declined.id)).body).toMatchObject({
        status: 'cancelled',
        version: 2,
      });
      expect((await lab.client.payment(paid.id)).body.status).toBe('completed');
      expect((await lab.client.payment(declined.id)).body.status).toBe('declined');
      expect(await lab.client.available('DK-006')).toBe(before - 1);
      console.log(`re-published ${captured.length} real messages in reverse: nothing changed`);
    } finally {
      await connection.close();
    }
  }, 60_000);

  it("the lab console draws the saga's new edges: payment on the bus, and the orchestrator's calls to payment", async () => {
    const wanted = [
      'rabbitmq → payment consume inventory.stock-reserved',
      'payment → rabbitmq publish payment.completed',
      'rabbitmq → order consume payment.completed',
      'order-orchestrated → payment POST /payments 200',
    ];
    const seen = new Set<string>();
    const stream = new AbortController();
    const response = await fetch(`${lab.url('console')}/stream`, { signal: stream.signal });
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body!) {
        buffered += decoder.decode(chunk as Uint8Array, { stream: true });
        const lines = buffered.split('\n');
        buffered = lines.pop()!;
        for (const line of lines.filter((l) => l.startsWith('data: '))) {
          const update = JSON.parse(line.slice(6)) as {
            kind: string;
            crossing?: { from: string; to: string; label: string };
          };
          if (update.crossing) seen.add(`${update.crossing.from} → ${update.crossing.to} ${update.crossing.label}`);
        }
        if (wanted.every((edge) => seen.has(edge))) return;
      }
    })().catch(() => undefined);
    try {
      for (const service of [choreographed, orchestrated]) {
        const { body } = await lab.client.place(service, 'saga-console', [{ sku: 'WC-005', quantity: 1 }]);
        expect((await lab.client.settled(service, body.id)).status).toBe('confirmed');
      }
      await eventually(async () => wanted.filter((edge) => !seen.has(edge)), []);
    } finally {
      stream.abort();
      await reading;
    }
  });

  it("lists every saga's final state: none half-done", async () => {
    const sagas = await lab.client.sagas();
    const payments = new Map((await lab.client.payments()).map((payment) => [payment.orderId, payment]));
    const rows: string[] = [];
    for (const saga of sagas) {
      const order = (await lab.client.order(orchestrated, saga.id)).body;
      rows.push(
        `orchestrated ${saga.id} saga ${saga.status} order ${order.status} payment ${payments.get(saga.id)?.status}`,
      );
      expect(['completed', 'compensated']).toContain(saga.status);
      expect(order.status).toBe(saga.status === 'completed' ? 'confirmed' : 'cancelled');
    }
    // The choreographed saga's state is spread over its participants: order status and payment agree.
    const choreographedPayments = [...payments.values()].filter((p) => !sagas.some((saga) => saga.id === p.orderId));
    for (const payment of choreographedPayments) {
      const order = (await lab.client.order(choreographed, payment.orderId)).body;
      rows.push(`choreographed ${payment.orderId} order ${order.status} payment ${payment.status}`);
      expect(order.status).toBe(payment.status === 'completed' ? 'confirmed' : 'cancelled');
    }
    console.log(rows.join('\n'));
    expect(sagas.length).toBeGreaterThanOrEqual(6);
    expect(choreographedPayments.length).toBeGreaterThanOrEqual(9);
  });
});
