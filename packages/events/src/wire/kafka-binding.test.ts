import { describe, expect, it } from 'vitest';
import { PoisonEventError } from '../bus.ts';
import { newEvent } from '../envelope.ts';
import { fromKafkaMessage, toKafkaMessage } from './kafka-binding.ts';

const event = newEvent({
  source: '/commlab/order',
  type: 'commlab.order.placed.v1',
  subject: 'order-42',
  data: { orderId: 'order-42', lines: [{ sku: 'KB-001', quantity: 2 }] },
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
});

const received = (wire: ReturnType<typeof toKafkaMessage>) => ({
  key: Buffer.from(wire.key),
  value: wire.value,
  headers: Object.fromEntries(Object.entries(wire.headers).map(([k, v]) => [k, Buffer.from(v)])),
});

describe('CloudEvents Kafka binding (binary mode)', () => {
  it('keys the message by the subject, puts the data in the value and every attribute in a ce_ header', () => {
    const wire = toKafkaMessage(event);
    expect(wire.key).toBe('order-42');
    expect(JSON.parse(wire.value.toString())).toEqual(event.data);
    expect(wire.headers).toEqual({
      'content-type': 'application/json',
      ce_specversion: '1.0',
      ce_id: event.id,
      ce_source: '/commlab/order',
      ce_type: 'commlab.order.placed.v1',
      ce_subject: 'order-42',
      ce_time: event.time,
      ce_traceparent: event.traceparent,
      traceparent: event.traceparent,
    });
  });

  it('reads back the event it wrote', () => {
    expect(fromKafkaMessage(received(toKafkaMessage(event)))).toEqual(event);
  });

  it('reads a structured-mode event from another producer', () => {
    const structured: Partial<typeof event> = { ...event };
    delete structured.datacontenttype;
    const message = {
      key: null,
      value: Buffer.from(JSON.stringify(structured)),
      headers: { 'content-type': 'application/cloudevents+json; charset=utf-8' },
    };
    expect(fromKafkaMessage(message)).toEqual(event);
  });

  it('takes traceparent from the bare header when the ce_ one is absent', () => {
    const wire = received(toKafkaMessage({ ...event, traceparent: undefined }));
    wire.headers.traceparent = Buffer.from('00-aaaa-bbbb-01');
    expect(fromKafkaMessage(wire).traceparent).toBe('00-aaaa-bbbb-01');
  });

  it.each([
    ['ce_id', 'missing CloudEvents attribute(s): id'],
    ['ce_source', 'missing CloudEvents attribute(s): source'],
    ['ce_subject', 'missing CloudEvents attribute(s): subject'],
  ])('refuses a message without %s as poison, naming the attribute', (header, reason) => {
    const wire = received(toKafkaMessage(event));
    delete wire.headers[header];
    expect(() => fromKafkaMessage(wire)).toThrow(new PoisonEventError(reason));
  });

  it('refuses a body that is not JSON as poison', () => {
    const wire = { ...received(toKafkaMessage(event)), value: Buffer.from('{"orderId":') };
    expect(() => fromKafkaMessage(wire)).toThrow(/^data is not valid JSON/);
  });

  it('refuses an empty body, another specversion, a bad time and a non-JSON content type as poison', () => {
    const base = received(toKafkaMessage(event));
    const cases = [
      [{ ...base, value: null }, /^no data/],
      [{ ...base, headers: { ...base.headers, ce_specversion: Buffer.from('0.3') } }, /specversion "0.3"/],
      [{ ...base, headers: { ...base.headers, ce_time: Buffer.from('yesterday') } }, /time is not an RFC 3339/],
      [
        { ...base, headers: { ...base.headers, 'content-type': Buffer.from('text/plain') } },
        /datacontenttype "text\/plain"/,
      ],
    ] as const;
    for (const [message, reason] of cases) {
      expect(() => fromKafkaMessage(message)).toThrow(PoisonEventError);
      expect(() => fromKafkaMessage(message)).toThrow(reason);
    }
  });
});
