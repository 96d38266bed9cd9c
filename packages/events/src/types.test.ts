import { describe, expect, it } from 'vitest';
import { bindingKeys, classifyType, defaultTopicOf, typeFamily } from './types.ts';

describe('event types and subscriptions', () => {
  const handles = ['commlab.order.placed.v1', 'commlab.order.cancelled.v1'];

  it('handles the listed types', () => {
    expect(classifyType(handles, 'commlab.order.placed.v1')).toBe('handle');
  });

  it('calls another version of a listed type unknown, so it is dead-lettered rather than lost', () => {
    expect(classifyType(handles, 'commlab.order.placed.v2')).toBe('unknown');
  });

  it('ignores types it never listed: they are other consumers’ business', () => {
    expect(classifyType(handles, 'commlab.order.shipped.v1')).toBe('ignore');
  });

  it('binds RabbitMQ queues to every version of each listed type', () => {
    expect(bindingKeys([...handles, 'commlab.order.placed.v2', 'audit'])).toEqual([
      'commlab.order.placed.*',
      'commlab.order.cancelled.*',
      'audit',
    ]);
  });

  it("puts a domain's events on one Kafka topic, so one order's events stay in order across types", () => {
    expect(defaultTopicOf('commlab.order.placed.v1')).toBe('commlab.order');
    expect(defaultTopicOf('commlab.order.cancelled.v1')).toBe('commlab.order');
    expect(typeFamily('commlab.order.placed.v12')).toBe('commlab.order.placed');
  });
});
