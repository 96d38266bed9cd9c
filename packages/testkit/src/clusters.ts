import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** What a test (or a lab) can do to one node of a cluster. */
export type NodeAction = 'start' | 'stop' | 'kill' | 'restart';

/**
 * One of the three-node clusters under infra/ (Kafka: infra/kafka-cluster, RabbitMQ:
 * infra/rabbitmq-cluster), driven through its cluster.sh: the script is the one definition of
 * ports, folders and readiness, for a reader at a terminal and for tests alike.
 */
export interface Cluster {
  readonly name: string;
  /** Every node, as cluster.sh names them (kafka-1, controller-1, rabbit-1, ...). */
  readonly nodes: readonly string[];
  /** Starts whatever is not running and waits until the whole cluster is ready; true if it was all running already. */
  start(): Promise<boolean>;
  stop(): Promise<void>;
  /** Kills every node and wipes the cluster's data. */
  reset(): Promise<void>;
  /** Acts on one node; `start` waits until the node is ready (or fails naming why not). */
  node(name: string, action: NodeAction): Promise<void>;
  /** Runs any other cluster.sh command and returns its output. */
  run(...args: string[]): Promise<string>;
}

export interface KafkaCluster extends Cluster {
  /** The bootstrap list (every broker), from `cluster.sh brokers`. */
  brokers(): Promise<string[]>;
  /** The cluster.sh name of a broker id (1 → kafka-1). */
  brokerNode(id: number): string;
}

export interface RabbitMqCluster extends Cluster {
  /** Every node's AMQP URL, comma-separated: what AMQP_URL holds for a client of the cluster. */
  url(): Promise<string>;
  /** The node (rabbit-N, or <name>-N of a node set) whose replica leads a quorum queue right now. */
  queueLeader(queue: string): Promise<string>;
  /**
   * The Raft term of a quorum queue: it grows with every election, so a leader killed and
   * re-elected on its own node after a restart still shows as a change of leadership.
   */
  queueTerm(queue: string): Promise<number>;
}

const infra = fileURLToPath(new URL('../../../infra/', import.meta.url));

/**
 * A generous backstop: the scripts give up on their own (start timeout 90 s) and say why; this
 * only makes sure a test never hangs on a script that itself hangs.
 */
const scriptTimeoutMs = 240_000;

function cluster(name: string, script: string, nodes: readonly string[], env?: NodeJS.ProcessEnv): Cluster {
  const run = (...args: string[]) =>
    new Promise<string>((resolve, reject) => {
      execFile(script, args, { encoding: 'utf8', timeout: scriptTimeoutMs, env }, (err, stdout, stderr) => {
        if (!err) return resolve(stdout);
        const why = err.killed ? `killed after ${scriptTimeoutMs / 1000} s` : `exit ${String(err.code)}`;
        const output = `${stdout}${stderr}`.trim().split('\n').slice(-40).join('\n');
        reject(new Error(`${name}: \`${script} ${args.join(' ')}\` failed (${why}):\n${output}`));
      });
    });
  return {
    name,
    nodes,
    run,
    start: async () => {
      const allRunning = await run('status').then(
        () => true,
        () => false,
      );
      if (!allRunning) await run('start');
      return allRunning;
    },
    stop: async () => void (await run('stop')),
    reset: async () => void (await run('reset')),
    node: async (node, action) => {
      if (!nodes.includes(node)) throw new Error(`${name} has no node ${node}; its nodes: ${nodes.join(', ')}`);
      await run('node', node, action);
    },
  };
}

export function kafkaCluster(): KafkaCluster {
  const base = cluster('Kafka cluster', `${infra}kafka-cluster/cluster.sh`, [
    'kafka-1',
    'kafka-2',
    'kafka-3',
    'controller-1',
    'controller-2',
    'controller-3',
  ]);
  return {
    ...base,
    brokers: async () => (await base.run('brokers')).trim().split(','),
    brokerNode: (id) => {
      const node = `kafka-${id}`;
      if (!base.nodes.includes(node)) throw new Error(`no broker with id ${id} in the Kafka cluster`);
      return node;
    },
  };
}

/** Another set of RabbitMQ nodes than the three of infra/rabbitmq-cluster, e.g. one broker a test owns. */
export interface RabbitMqNodeSet {
  /** Names the nodes `<name>-1@localhost`…: unique on the machine, whose epmd every node shares. */
  name: string;
  /** 1 to 3 nodes. */
  size: number;
  /** The first node's AMQP port (the next nodes take the ports after it). */
  port: number;
  /** The first node's Erlang distribution port (likewise). */
  distPort: number;
  /** Their data, logs and cookie. */
  dir: string;
}

/**
 * The three-node cluster of infra/rabbitmq-cluster (rabbit-1..3 on 5673–5675), or, given a
 * node set, other nodes run by the same cluster.sh on ports and in a folder of their own.
 */
export function rabbitMqCluster(set?: RabbitMqNodeSet): RabbitMqCluster {
  const names = set
    ? Array.from({ length: set.size }, (_, i) => `${set.name}-${i + 1}`)
    : ['rabbit-1', 'rabbit-2', 'rabbit-3'];
  const env = set && {
    ...process.env,
    RABBITMQ_CLUSTER_NAME: set.name,
    RABBITMQ_CLUSTER_SIZE: String(set.size),
    RABBITMQ_CLUSTER_PORT: String(set.port),
    RABBITMQ_CLUSTER_DIST_PORT: String(set.distPort),
    RABBITMQ_CLUSTER_DIR: set.dir,
  };
  const base = cluster(
    set ? `RabbitMQ nodes ${set.name}` : 'RabbitMQ cluster',
    `${infra}rabbitmq-cluster/cluster.sh`,
    names,
    env,
  );
  return {
    ...base,
    url: async () => (await base.run('urls')).trim(),
    queueLeader: async (queue) => {
      const listed = await base.run('ctl', 'list_queues', 'name', 'leader', '--formatter', 'json', '--quiet');
      const found = (JSON.parse(listed) as { name: string; leader: string }[]).find((q) => q.name === queue);
      if (!found) throw new Error(`queue ${queue} not found on the RabbitMQ cluster`);
      return found.leader.replace(/@.*/, '');
    },
    queueTerm: async (queue) => {
      const status = await base.run('queues', 'quorum_status', queue, '--formatter', 'json', '--quiet');
      return Math.max(...(JSON.parse(status) as { Term: number }[]).map((member) => member.Term));
    },
  };
}
