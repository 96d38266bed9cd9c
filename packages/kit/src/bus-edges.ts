import type { EdgeReporter } from './edges.ts';

/** What an edge report shows of an event; structural, so the kit needs no event package. */
export interface ReportedEvent {
  type: string;
  subject?: string | undefined;
  data?: unknown;
}

interface Publisher<E> {
  publish(event: E): Promise<void>;
  close(): Promise<void>;
}

export interface BusEdges {
  /** Reports each event once the broker confirmed it: "order → rabbitmq publish order.placed". */
  publisher<E extends ReportedEvent>(publisher: Publisher<E>): Publisher<E>;
  /** Reports each event as it is delivered, before the handler runs: "rabbitmq → notification". */
  handler<E extends ReportedEvent>(handle: (event: E) => Promise<void>): (event: E) => Promise<void>;
}

const protocols: Record<string, string> = { rabbitmq: 'RabbitMQ', kafka: 'Kafka' };

/**
 * Broker crossings for the lab console. The broker reports nothing itself, so each side of
 * the broker reports its half: the publisher once the broker confirmed, the consumer on delivery.
 */
export function busEdges(edges: EdgeReporter, { service, bus }: { service: string; bus: string }): BusEdges {
  const protocol = protocols[bus] ?? bus;
  const describe = (event: ReportedEvent) => ({
    protocol,
    // commlab.order.placed.v1 → order.placed: the console's rows are narrow.
    name: event.type.replace(/^commlab\./, '').replace(/\.v\d+$/, ''),
    orderId: event.subject,
    status: statusOf(event.data),
  });
  return {
    publisher: (publisher) => ({
      async publish(event) {
        await publisher.publish(event);
        const { name, ...rest } = describe(event);
        edges.report({ from: service, to: bus, side: 'sent', label: `publish ${name}`, ...rest });
      },
      close: () => publisher.close(),
    }),
    handler: (handle) => async (event) => {
      const { name, ...rest } = describe(event);
      edges.report({ from: bus, to: service, side: 'received', label: `consume ${name}`, ...rest });
      await handle(event);
    },
  };
}

function statusOf(data: unknown): string | undefined {
  const status = (data as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' ? status : undefined;
}
