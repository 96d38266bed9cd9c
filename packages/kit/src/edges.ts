/**
 * Edge reporting for the live lab console: each service tells the console about every
 * message it sends or receives across a service boundary, so the console can draw the flow.
 *
 * Fire-and-forget by design: report() only appends to a bounded in-memory queue and returns;
 * a timer posts batches to CONSOLE_URL. A slow, missing or failing console can therefore
 * never block, slow down or fail the real call — at worst crossings are dropped.
 */
export interface EdgeCrossing {
  from: string;
  to: string;
  /** REST, gRPC, Kafka, RabbitMQ, WebSocket, SSE, long-poll... */
  protocol: string;
  /** What crossed, short: "POST /orders 201", "Reserve OK", "push #42 placed". */
  label: string;
  /** Whether the reporting service sent or received it (both ends of an edge may report). */
  side?: 'sent' | 'received';
  orderId?: string | undefined;
  status?: string | undefined;
  ok?: boolean;
}

export interface EdgeReporter {
  report(crossing: EdgeCrossing): void;
  /** Sends what is queued (briefly) and stops the timers. */
  close(): Promise<void>;
}

export interface EdgeReporterOptions {
  /** The console's base URL (CONSOLE_URL); undefined gives a reporter that does nothing. */
  url: string | undefined;
  service: string;
  flushMs?: number;
  /** Crossings kept while the console is unreachable; older ones are dropped first. */
  maxQueue?: number;
  /** An empty batch this often tells the console the service is alive. */
  presenceMs?: number;
}

export const noEdgeReporter: EdgeReporter = { report: () => {}, close: async () => {} };

export function edgeReporter({
  url,
  service,
  flushMs = 100,
  maxQueue = 1_000,
  presenceMs = 3_000,
}: EdgeReporterOptions): EdgeReporter {
  if (!url) return noEdgeReporter;
  const endpoint = new URL('/report', url).href;
  let queue: (EdgeCrossing & { service: string; at: string })[] = [];
  let inFlight: Promise<void> | undefined;

  const post = (crossings: typeof queue) =>
    fetch(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ service, crossings }),
      signal: AbortSignal.timeout(1_000),
    }).then(
      (response) => void response.body?.cancel(),
      () => {}, // the console is optional: its absence is not our error
    );

  const flush = () => {
    if (inFlight || queue.length === 0) return;
    const batch = queue;
    queue = [];
    inFlight = post(batch).finally(() => (inFlight = undefined));
  };
  const flushTimer = setInterval(flush, flushMs);
  const presenceTimer = setInterval(() => void post([]), presenceMs);
  flushTimer.unref();
  presenceTimer.unref();
  void post([]);

  return {
    report(crossing) {
      queue.push({ ...crossing, service, at: new Date().toISOString() });
      if (queue.length > maxQueue) queue.splice(0, queue.length - maxQueue);
    },
    async close() {
      clearInterval(flushTimer);
      clearInterval(presenceTimer);
      await inFlight;
      flush();
      await inFlight;
    },
  };
}
