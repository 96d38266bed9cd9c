import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kafkaDriver, type KafkaDriver } from '../src/drivers/kafka.ts';
import { rabbitMqDriver, type RabbitMqDriver } from '../src/drivers/rabbitmq.ts';
import { closedLoop } from '../src/closed-loop.ts';
import { openLoop } from '../src/open-loop.ts';

// Real brokers (KAFKA_BROKERS, AMQP_URL or the local defaults): a broker that is not there fails the test.
const brokers = (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',');
const amqpUrl = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';

describe('Kafka driver', () => {
  let kafka: KafkaDriver;
  beforeAll(async () => {
    kafka = await kafkaDriver({ brokers });
  });
  afterAll(() => kafka?.close());

  it('times each message from its intended send to its consumption, by the stamp it carries', async () => {
    const result = await openLoop(kafka.endToEnd, { rate: 100, durationMs: 500, warmupMs: 200 });
    expect(result.errors).toEqual({});
    expect(result.ok).toBe(50);
    expect(result.latency.min).toBeGreaterThan(0);
    expect(kafka.strays).toBe(0);
  });

  it('batches sends when asked to linger, and every message still arrives', async () => {
    const lingering = await kafkaDriver({ brokers, lingerMs: 5, batchSize: 20 });
    try {
      const result = await openLoop(lingering.endToEnd, { rate: 200, durationMs: 300 });
      expect(result.errors).toEqual({});
      expect(result.ok).toBe(60);
    } finally {
      await lingering.close();
    }
  });
});

describe('RabbitMQ driver', () => {
  let rabbit: RabbitMqDriver;
  beforeAll(async () => {
    rabbit = await rabbitMqDriver({ url: amqpUrl });
  });
  afterAll(() => rabbit?.close());

  it('times each message from its intended send to its consumption', async () => {
    const result = await openLoop(rabbit.endToEnd, { rate: 100, durationMs: 500, warmupMs: 200 });
    expect(result.errors).toEqual({});
    expect(result.ok).toBe(50);
    expect(rabbit.strays).toBe(0);
  });

  it('resolves a publish on its confirm, one at a time or many in flight', async () => {
    const sequential = await closedLoop(rabbit.publishConfirmed, {
      concurrency: 1,
      durationMs: 5_000,
      maxRequests: 20,
    });
    const pipelined = await closedLoop(rabbit.publishConfirmed, {
      concurrency: 50,
      durationMs: 5_000,
      maxRequests: 200,
    });
    expect([sequential.ok, pipelined.ok]).toEqual([20, 200]);
  });
});
