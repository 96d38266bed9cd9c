import { spawnSync } from 'node:child_process';
import amqp from 'amqplib';
import { clusters } from '../clusters.ts';
import { inNamespaces } from '../namespace.ts';

export interface RabbitMqRemoved {
  queues: string[];
  exchanges: string[];
  /** How the names were listed (AMQP itself cannot list them). */
  via: string;
}

/**
 * Deletes every queue and exchange of the namespaces on the broker at `url`. AMQP has no way
 * to list names, so they are listed by the management API when it is enabled (Compose's
 * RabbitMQ image has it), else by rabbitmqctl on this machine (a native RabbitMQ); deleting
 * then goes over AMQP, as any client would.
 */
export async function emptyRabbitMq(
  url: string,
  namespaces: readonly string[],
  list: (url: string) => Promise<Listed> = listRabbitMq,
): Promise<RabbitMqRemoved> {
  const listed = await list(url);
  const queues = listed.queues.filter((name) => inNamespaces(name, namespaces)).sort();
  const exchanges = listed.exchanges.filter((name) => inNamespaces(name, namespaces)).sort();
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    for (const queue of queues) await channel.deleteQueue(queue);
    for (const exchange of exchanges) await channel.deleteExchange(exchange);
  } finally {
    await connection.close();
  }
  return { queues, exchanges, via: listed.via };
}

/**
 * Every queue and exchange on the broker at `url`. AMQP has no way to list names, so they are
 * listed by the management API when it is enabled (Compose's RabbitMQ image has it), else by
 * rabbitmqctl on this machine (a native RabbitMQ).
 */
export async function listRabbitMq(url: string): Promise<Listed> {
  const listed = (await listByManagementApi(url)) ?? listByRabbitmqctl(url);
  if (!listed) {
    throw new Error(
      `cannot list RabbitMQ's queues at ${new URL(url).host}: enable its management plugin ` +
        '(rabbitmq-plugins enable rabbitmq_management) or run this on the machine RabbitMQ runs on (rabbitmqctl)',
    );
  }
  return listed;
}

/**
 * Every queue and exchange of the three-node cluster (infra/rabbitmq-cluster), listed by
 * rabbitmqctl through its cluster.sh: the machine's own rabbitmqctl and management API answer
 * for the machine's broker, not the cluster's.
 */
export async function listRabbitMqCluster(): Promise<Listed> {
  const names = (kind: 'list_queues' | 'list_exchanges') => {
    const run = spawnSync(clusters['rabbitmq-cluster'].script, ['ctl', kind, 'name', '--formatter', 'json', '-q'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (run.status !== 0) throw new Error(`cluster.sh ctl ${kind} failed: ${run.stderr.trim() || run.stdout.trim()}`);
    return (JSON.parse(run.stdout) as { name: string }[]).map((entry) => entry.name);
  };
  return { queues: names('list_queues'), exchanges: names('list_exchanges'), via: 'cluster.sh ctl' };
}

export interface Listed {
  queues: string[];
  exchanges: string[];
  via: string;
}

function vhostOf(url: URL): string {
  return decodeURIComponent(url.pathname.slice(1)) || '/';
}

async function listByManagementApi(text: string): Promise<Listed | undefined> {
  const url = new URL(text);
  const api = `http://${url.hostname}:15672/api`;
  const auth = `Basic ${Buffer.from(`${decodeURIComponent(url.username || 'guest')}:${decodeURIComponent(url.password || 'guest')}`).toString('base64')}`;
  const names = async (kind: 'queues' | 'exchanges') => {
    const response = await fetch(`${api}/${kind}/${encodeURIComponent(vhostOf(url))}?columns=name`, {
      headers: { authorization: auth },
      signal: AbortSignal.timeout(2_000),
    });
    if (!response.ok) throw new Error(`${response.status}`);
    return ((await response.json()) as { name: string }[]).map((entry) => entry.name);
  };
  try {
    return { queues: await names('queues'), exchanges: await names('exchanges'), via: `the management API (${api})` };
  } catch {
    return undefined;
  }
}

function listByRabbitmqctl(text: string): Listed | undefined {
  const url = new URL(text);
  // rabbitmqctl talks to the node on this machine: only trust it for a broker on this machine.
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) return undefined;
  const names = (kind: 'list_queues' | 'list_exchanges') => {
    const run = spawnSync('rabbitmqctl', [kind, '-p', vhostOf(url), 'name', '--formatter', 'json', '-q'], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    if (run.status !== 0) return undefined;
    return (JSON.parse(run.stdout) as { name: string }[]).map((entry) => entry.name);
  };
  const queues = names('list_queues');
  const exchanges = queues && names('list_exchanges');
  return queues && exchanges ? { queues, exchanges, via: 'rabbitmqctl' } : undefined;
}
