import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { repoRoot } from './paths.ts';

/**
 * The three-node broker clusters under infra/ (chapter 11, high availability). Their cluster.sh
 * is the one definition of ports, folders and readiness natively, their compose.yaml the one
 * definition in containers; a lab whose settings name `${kafka-cluster.brokers}` or
 * `${rabbitmq-cluster.url}` gets the cluster started (natively) or its nodes in its Compose file.
 */
export type ClusterName = 'kafka-cluster' | 'rabbitmq-cluster';
export const clusterNames: readonly ClusterName[] = ['kafka-cluster', 'rabbitmq-cluster'];

export interface ClusterInfo {
  label: string;
  /** infra/<name>/cluster.sh */
  script: string;
  /** infra/<name>/compose.yaml: the nodes as Compose services. */
  composeFile: string;
  /** Every node, as cluster.sh and compose.yaml name them. */
  nodes: readonly string[];
  /** The nodes clients connect to (a service of the lab waits for these in Compose). */
  clientNodes: readonly string[];
  /** Each node's port on this machine (what a Compose stand-in asks the host's node on). */
  hostPorts: Record<string, number>;
  /** The endpoint key, its native value and its value inside a Compose network. */
  endpoint: { key: `${ClusterName}.${string}`; native: string; compose: string };
}

const kafkaBrokers = ['kafka-1', 'kafka-2', 'kafka-3'];
const rabbitNodes = ['rabbit-1', 'rabbit-2', 'rabbit-3'];
const amqp = (hostPorts: string[]) => hostPorts.map((at) => `amqp://guest:guest@${at}`).join(',');

export const clusters: Record<ClusterName, ClusterInfo> = {
  'kafka-cluster': {
    label: 'Kafka cluster',
    script: join(repoRoot, 'infra/kafka-cluster/cluster.sh'),
    composeFile: join(repoRoot, 'infra/kafka-cluster/compose.yaml'),
    nodes: [...kafkaBrokers, 'controller-1', 'controller-2', 'controller-3'],
    clientNodes: kafkaBrokers,
    hostPorts: {
      'kafka-1': 19092,
      'kafka-2': 19093,
      'kafka-3': 19094,
      'controller-1': 19192,
      'controller-2': 19193,
      'controller-3': 19194,
    },
    endpoint: {
      key: 'kafka-cluster.brokers',
      native: '127.0.0.1:19092,127.0.0.1:19093,127.0.0.1:19094',
      compose: kafkaBrokers.map((node) => `${node}:9092`).join(','),
    },
  },
  'rabbitmq-cluster': {
    label: 'RabbitMQ cluster',
    script: join(repoRoot, 'infra/rabbitmq-cluster/cluster.sh'),
    composeFile: join(repoRoot, 'infra/rabbitmq-cluster/compose.yaml'),
    nodes: rabbitNodes,
    clientNodes: rabbitNodes,
    hostPorts: { 'rabbit-1': 5673, 'rabbit-2': 5674, 'rabbit-3': 5675 },
    endpoint: {
      key: 'rabbitmq-cluster.url',
      native: amqp(['127.0.0.1:5673', '127.0.0.1:5674', '127.0.0.1:5675']),
      compose: amqp(rabbitNodes.map((node) => `${node}:5672`)),
    },
  },
};

export const isCluster = (name: string): name is ClusterName => name in clusters;

/** The cluster a node belongs to, among those given. */
export function clusterOfNode(node: string, among: readonly ClusterName[] = clusterNames): ClusterName | undefined {
  return among.find((name) => clusters[name].nodes.includes(node));
}

/** Whether every node of the cluster runs on this machine (`cluster.sh status` exits 0). */
export function clusterRunning(name: ClusterName): boolean {
  return spawnSync(clusters[name].script, ['status'], { stdio: 'ignore' }).status === 0;
}

/**
 * The cluster's nodes as services of a lab's Compose file: those of infra/<name>/compose.yaml,
 * with the paths they mount made relative to the lab's folder (two levels below the root).
 */
export function clusterComposeServices(name: ClusterName): Record<string, Record<string, unknown>> {
  const file = parse(readFileSync(clusters[name].composeFile, 'utf8')) as {
    services: Record<string, Record<string, unknown>>;
  };
  const from = `../../infra/${name}/`;
  return Object.fromEntries(
    Object.entries(file.services).map(([node, service]) => {
      const volumes = service.volumes as string[] | undefined;
      return [
        node,
        {
          ...service,
          ...(volumes && { volumes: volumes.map((v) => (v.startsWith('./') ? from + v.slice(2) : v)) }),
        },
      ];
    }),
  );
}
