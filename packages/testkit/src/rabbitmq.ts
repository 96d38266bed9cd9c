import { execFile } from 'node:child_process';
import amqp from 'amqplib';
import { dockerFallback } from './docker.ts';
import { redact } from './redact.ts';

type Exec = (command: string[]) => Promise<{ stdout: string; exitCode: number }>;

interface Broker {
  url: string;
  /** Runs a rabbitmqctl command on the broker's node. */
  rabbitmqctl: Exec;
}

let broker: Promise<Broker> | undefined;

/**
 * The RabbitMQ the tests use: AMQP_URL when set, else the local default, else a
 * Testcontainers RabbitMQ where Docker runs — and when none answers, an error that says so.
 * Tests isolate themselves with unique exchange and queue names, not separate brokers.
 */
export async function amqpUrl(): Promise<string> {
  broker ??= findBroker();
  return (await broker).url;
}

/**
 * Closes, from the broker's side, every connection whose client named itself
 * `connectionName` (amqplib's clientProperties.connection_name) — what an operator's
 * `rabbitmqctl close_connection` or a broker restart does to a client. Returns how many.
 */
export async function closeAmqpConnections(connectionName: string): Promise<number> {
  broker ??= findBroker();
  const { rabbitmqctl } = await broker;
  // Tab-separated: the connection's Erlang pid, then its client properties as an Erlang term.
  const listed = await rabbitmqctl(['list_connections', 'pid', 'client_properties', '--silent']);
  const ours = listed.stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0]!);
  for (const pid of ours) {
    const closed = await rabbitmqctl(['close_connection', pid, 'closed by a commlab test']);
    if (closed.exitCode !== 0) throw new Error(`rabbitmqctl close_connection ${pid} failed: ${closed.stdout}`);
  }
  return ours.length;
}

async function findBroker(): Promise<Broker> {
  const candidate = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
  try {
    // A cluster's AMQP_URL lists its nodes: the first one answering will do for the probe.
    const connection = await amqp.connect(candidate.split(',')[0]!, { timeout: 3_000 });
    await connection.close();
    return { url: candidate, rabbitmqctl: localRabbitmqctl };
  } catch (err) {
    return dockerFallback(`RabbitMQ at ${redact(candidate)}`, err as Error, async ({ GenericContainer, Wait }) => {
      const container = await new GenericContainer('rabbitmq:4.1-management-alpine')
        .withExposedPorts(5672)
        .withWaitStrategy(Wait.forLogMessage(/Server startup complete/))
        .start();
      return {
        url: `amqp://guest:guest@${container.getHost()}:${container.getMappedPort(5672)}`,
        rabbitmqctl: (command) => container.exec(['rabbitmqctl', ...command]),
      };
    });
  }
}

// Asynchronous on purpose: rabbitmqctl boots an Erlang VM (seconds), and a test keeps
// publishing and consuming while it runs.
const localRabbitmqctl: Exec = (command) =>
  new Promise((resolve, reject) => {
    execFile('rabbitmqctl', command, { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err && typeof err.code === 'string') {
        reject(
          new Error(
            `this test drives the broker with rabbitmqctl, which is not runnable here (${err.message}); ` +
              'run it on the RabbitMQ host, or unset AMQP_URL to use a Testcontainers broker',
          ),
        );
        return;
      }
      resolve({ stdout: `${stdout}${stderr}`, exitCode: typeof err?.code === 'number' ? err.code : 0 });
    });
  });
