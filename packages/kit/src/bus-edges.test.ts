import { describe, expect, it } from 'vitest';
import { busEdges } from './bus-edges.ts';
import type { EdgeCrossing, EdgeReporter } from './edges.ts';

function recording() {
  const crossings: EdgeCrossing[] = [];
  const reporter: EdgeReporter = { report: (c) => void crossings.push(c), close: async () => {} };
  return { crossings, reporter };
}

const placed = {
  type: 'commlab.order.placed.v1',
  subject: 'o-1',
  data: { orderId: 'o-1', status: 'confirmed' },
};

describe('broker edges for the lab console', () => {
  it('reports a publish only once the broker confirmed it, named by the short event type', async () => {
    const { crossings, reporter } = recording();
    let confirm = () => {};
    const publisher = busEdges(reporter, { service: 'order', bus: 'rabbitmq' }).publisher({
      publish: () => new Promise<void>((resolve) => (confirm = resolve)),
      close: async () => {},
    });
    const publishing = publisher.publish(placed);
    expect(crossings).toEqual([]);
    confirm();
    await publishing;
    expect(crossings).toEqual([
      {
        from: 'order',
        to: 'rabbitmq',
        protocol: 'RabbitMQ',
        side: 'sent',
        label: 'publish order.placed',
        orderId: 'o-1',
        status: 'confirmed',
      },
    ]);
  });

  it('reports nothing for a publish the broker refused', async () => {
    const { crossings, reporter } = recording();
    const publisher = busEdges(reporter, { service: 'order', bus: 'kafka' }).publisher({
      publish: () => Promise.reject(new Error('not confirmed')),
      close: async () => {},
    });
    await expect(publisher.publish(placed)).rejects.toThrow('not confirmed');
    expect(crossings).toEqual([]);
  });

  it('reports a delivery from the broker to the consuming service, then runs its handler', async () => {
    const { crossings, reporter } = recording();
    const handled: string[] = [];
    const handle = busEdges(reporter, { service: 'notification', bus: 'kafka' }).handler(async (event) => {
      handled.push(event.type);
    });
    await handle({ type: 'commlab.inventory.stock-reserved.v1', subject: 'o-2', data: {} });
    expect(handled).toEqual(['commlab.inventory.stock-reserved.v1']);
    expect(crossings).toEqual([
      {
        from: 'kafka',
        to: 'notification',
        protocol: 'Kafka',
        side: 'received',
        label: 'consume inventory.stock-reserved',
        orderId: 'o-2',
        status: undefined,
      },
    ]);
  });
});
