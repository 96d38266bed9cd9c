import { createServer } from 'node:net';

// Test servers listen below Linux's ephemeral range (32768–60999). A port the OS hands out as
// free is an ephemeral one, and until the server binds it — seconds later for a container —
// any outgoing connection on the machine may take it as its source port (EADDRINUSE at start;
// it failed a Compose check this way). Each vitest worker draws from its own slice of the
// range, so test files running side by side never draw the same port either.
const FIRST = 20_000;
const SLICE = 1_200;
const SLICES = 10; // 20000–31999: clear of 15000–15221 (lab 07's sidecars) and 19092–19194 (Kafka cluster)
const RESERVED = new Set([25_673, 25_674, 25_675]); // the RabbitMQ cluster's Erlang distribution

const slice = (Number(process.env.VITEST_POOL_ID) || SLICES) - 1;
const start = FIRST + (slice % SLICES) * SLICE;
let next = Math.floor(Math.random() * SLICE);

/** A TCP port free on 127.0.0.1 right now and not handed out before by this process, for a server a test starts. */
export async function freePort(): Promise<number> {
  for (let tries = 0; tries < SLICE; tries++) {
    const port = start + (next++ % SLICE);
    if (!RESERVED.has(port) && (await canListen(port))) return port;
  }
  throw new Error(`no free port in ${start}–${start + SLICE - 1} on 127.0.0.1`);
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
