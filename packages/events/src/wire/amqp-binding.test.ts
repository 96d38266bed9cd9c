import { describe, expect, it } from 'vitest';
import { PoisonEventError } from '../bus.ts';
import { newEvent } from '../envelope.ts';
import { fromAmqpMessage, toAmqpMessage } from './amqp-binding.ts';

const event = newEvent({
  source: '/commlab/order',
  type: 'commlab.order.placed.v1',
  subject: 'order-7',
  data: { orderId: 'order-7' },
  traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
});

const received = (wire = toAmqpMessage(event)) => ({
  content: wire.content,
  properties: {
    contentType: wire.options.contentType,
    headers: { ...wire.options.headers } as Record<string, unknown>,
  },
});

describe('CloudEvents AMQP binding (binary mode)', () => {
  it('writes attributes as cloudEvents_ headers and datacontenttype as the content type, persistently', () => {
    const { content, options } = toAmqpMessage(event);
    expect(JSON.parse(content.toString())).toEqual(event.data);
    expect(options).toMatchObject({ contentType: 'application/json', messageId: event.id, persistent: true });
    expect(options.headers).toEqual({
      cloudEvents_specversion: '1.0',
      cloudEvents_id: event.id,
      cloudEvents_source: '/commlab/order',
      cloudEvents_type: 'commlab.order.placed.v1',
      cloudEvents_subject: 'order-7',
      cloudEvents_time: event.time,
      cloudEvents_traceparent: event.traceparent,
      traceparent: event.traceparent,
    });
  });

  it('reads back the event it wrote', () => {
    expect(fromAmqpMessage(received())).toEqual(event);
  });

  it("also reads the binding's cloudEvents: prefix", () => {
    const message = received();
    message.properties.headers = Object.fromEntries(
      Object.entries(message.properties.headers).map(([k, v]) => [k.replace('cloudEvents_', 'cloudEvents:'), v]),
    );
    expect(fromAmqpMessage(message)).toEqual(event);
  });

  it('accepts a natively typed AMQP timestamp for time', () => {
    const message = received();
    message.properties.headers.cloudEvents_time = new Date(event.time);
    expect(fromAmqpMessage(message).time).toBe(new Date(event.time).toISOString());
  });

  it('refuses a message without type and subject as poison, naming both', () => {
    const message = received();
    delete message.properties.headers.cloudEvents_type;
    delete message.properties.headers.cloudEvents_subject;
    expect(() => fromAmqpMessage(message)).toThrow(
      new PoisonEventError('missing CloudEvents attribute(s): type, subject'),
    );
  });

  it('refuses a body that is not JSON as poison', () => {
    expect(() => fromAmqpMessage({ ...received(), content: Buffer.from('not json') })).toThrow(
      /^data is not valid JSON/,
    );
  });

  it('refuses a plain message without any CloudEvents headers as poison', () => {
    expect(() => fromAmqpMessage({ content: Buffer.from('{}'), properties: {} })).toThrow(
      'missing CloudEvents attribute(s): specversion, id, source, type, subject, time',
    );
  });
});
