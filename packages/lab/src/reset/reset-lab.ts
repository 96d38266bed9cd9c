import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { relative } from 'node:path';
import { namespaceSchema } from '@commlab/events';
import type { Lab } from '../define.ts';
import { infraAddress, reachable } from '../infra.ts';
import type { Outcome } from '../outcome.ts';
import { repoRoot } from '../paths.ts';
import type { InfraEndpoints, LabAt } from '../topology.ts';
import { clusters, isCluster, type ClusterName } from '../clusters.ts';
import { emptyKafka } from './kafka.ts';
import { dropSlots, removeConnectors } from './kafka-connect.ts';
import { dropSchemas } from './postgres.ts';
import { emptyRabbitMq, listRabbitMqCluster } from './rabbitmq.ts';

export interface ResetTarget {
  /** Where the lab's services would listen: any that answers means the lab still runs. */
  at: LabAt;
  /** The lab's data folder: each service's files live in a sub-folder of it (none for containers). */
  dataDir?: string;
  /** Everything on the brokers named `<namespace>.…` is the lab's. */
  namespaces: readonly string[];
  infra: InfraEndpoints;
  /**
   * Wipe the lab's broker clusters (kill their nodes, delete their data: `cluster.sh reset`)
   * instead of emptying its namespace on them: what `pnpm lab reset` does, as the clusters are
   * the lab's own. Tests leave them running and only delete what they made.
   */
  wipeClusters?: boolean;
}

/**
 * Empties a stopped lab: its services' files, then its queues, exchanges and topics. It
 * refuses while any of its services answers, because a running service would recreate what
 * was deleted (and hold SQLite files open), so the reset would be a lie.
 */
export async function resetLab(
  lab: Lab,
  target: ResetTarget,
  report: (outcome: Outcome) => void = () => {},
): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  const add = (outcome: Outcome) => {
    outcomes.push(outcome);
    report(outcome);
  };
  const step = async (what: string, work: () => Promise<Outcome>) =>
    add(await work().catch((err: Error) => ({ ok: false, text: `${what}: ${err.message}` })));

  for (const name of Object.keys(lab.services)) {
    if (await reachable(target.at.addr(name))) {
      add({
        ok: false,
        text: `${lab.id} is still running: ${name} answers on ${target.at.addr(name)}; nothing was reset`,
        hint: `stop it first (Ctrl-C where pnpm lab up ${lab.id} runs, or docker compose -f labs/${lab.id}/compose.yaml down), then run reset again`,
      });
      return outcomes;
    }
  }

  const { dataDir } = target;
  if (dataDir) await step('data folder', async () => removeDataDir(dataDir));
  if (lab.infra.includes('rabbitmq')) {
    const url = target.infra['rabbitmq.url']!;
    await step('RabbitMQ', async () => {
      if (!(await reachable(infraAddress('rabbitmq', target.infra)))) return notReachable('RabbitMQ', url);
      const { queues, exchanges, via } = await emptyRabbitMq(url, target.namespaces);
      return {
        ok: true,
        text: `RabbitMQ: deleted ${listed(queues, 'queue')} and ${listed(exchanges, 'exchange')} (found by ${via})`,
      };
    });
  }
  // Before the topics: a connector still running would write its topic again.
  if (lab.infra.includes('kafka-connect')) {
    const url = target.infra['kafka-connect.url']!;
    await step('Kafka Connect', async () => {
      if (!(await reachable(infraAddress('kafka-connect', target.infra)))) return notReachable('Kafka Connect', url);
      return {
        ok: true,
        text: `Kafka Connect: removed ${listed(await removeConnectors(url, target.namespaces), 'connector')}`,
      };
    });
  }
  if (lab.infra.includes('postgres-logical')) {
    const url = target.infra['postgres-logical.url']!;
    await step('PostgreSQL (logical)', async () => {
      const address = infraAddress('postgres-logical', target.infra);
      if (!(await reachable(address))) return notReachable('PostgreSQL (logical decoding)', address);
      const { slots, publications } = await dropSlots(url, target.namespaces);
      return {
        ok: true,
        text: `PostgreSQL (logical decoding): dropped ${listed(slots, 'replication slot')} and ${listed(publications, 'publication')}`,
      };
    });
  }
  if (lab.infra.includes('kafka')) {
    const brokers = target.infra['kafka.brokers']!.split(',');
    await step('Kafka', async () => {
      if (!(await reachable(infraAddress('kafka', target.infra)))) return notReachable('Kafka', brokers[0]!);
      const { topics, groups } = await emptyKafka(brokers, target.namespaces);
      return { ok: true, text: `Kafka: deleted ${listed(topics, 'topic')} and ${listed(groups, 'consumer group')}` };
    });
  }
  for (const cluster of lab.infra.filter(isCluster)) {
    await step(clusters[cluster].label, async () =>
      target.wipeClusters ? wipeCluster(cluster) : emptyCluster(cluster, target.infra, target.namespaces),
    );
  }
  const onPostgres = Object.keys(lab.services).filter((name) => target.at.env(name).DATABASE_URL);
  for (const name of onPostgres.filter((name) => lab.services[name]!.schemas)) {
    const url = target.at.env(name).DATABASE_URL!;
    const schemas = lab.services[name]!.schemas!.flatMap((prefix) =>
      target.namespaces.map((namespace) => namespaceSchema(prefix, namespace)),
    );
    await step('PostgreSQL', async () => {
      const address = `${new URL(url).hostname}:${new URL(url).port || 5432}`;
      if (!(await reachable(address))) return notReachable('PostgreSQL', address);
      return { ok: true, text: `PostgreSQL: dropped ${listed(await dropSchemas(url, schemas), 'schema')} of ${name}` };
    });
  }
  const inTables = onPostgres.filter((name) => !lab.services[name]!.schemas);
  if (inTables.length > 0) {
    // Their tables carry no namespace yet, so dropping them could take another lab's or a test's.
    add({
      ok: false,
      text: `${inTables.join(', ')} keep their data in PostgreSQL (DATABASE_URL); reset leaves those tables alone`,
      hint: 'their tables have no per-lab prefix yet: empty them by hand with psql if you need to',
    });
  }
  return outcomes;
}

function wipeCluster(cluster: ClusterName): Outcome {
  const { label, script } = clusters[cluster];
  const run = spawnSync(script, ['reset'], { encoding: 'utf8', timeout: 120_000 });
  const said = `${run.stdout}${run.stderr}`.trim().split('\n').at(-1) ?? '';
  return run.status === 0
    ? { ok: true, text: `${label}: ${said}` }
    : { ok: false, text: `${label}: ${relative(repoRoot, script)} reset failed: ${said}` };
}

/** A cluster's share of the lab, emptied through any node that answers. */
async function emptyCluster(
  cluster: ClusterName,
  infra: InfraEndpoints,
  namespaces: readonly string[],
): Promise<Outcome> {
  const { label, endpoint } = clusters[cluster];
  const nodes = (infra[endpoint.key] ?? endpoint.native).split(',');
  const live = [];
  for (const node of nodes) if (await reachable(node.includes('://') ? new URL(node).host : node)) live.push(node);
  if (live.length === 0) return notReachable(label, nodes.join(', '));
  if (cluster === 'kafka-cluster') {
    const { topics, groups } = await emptyKafka(live, namespaces);
    return { ok: true, text: `${label}: deleted ${listed(topics, 'topic')} and ${listed(groups, 'consumer group')}` };
  }
  const { queues, exchanges } = await emptyRabbitMq(live[0]!, namespaces, listRabbitMqCluster);
  return { ok: true, text: `${label}: deleted ${listed(queues, 'queue')} and ${listed(exchanges, 'exchange')}` };
}

function removeDataDir(dataDir: string): Outcome {
  const shown = relative(repoRoot, dataDir).startsWith('..') ? dataDir : relative(repoRoot, dataDir);
  if (!existsSync(dataDir)) return { ok: true, text: `data: nothing in ${shown}` };
  const services = readdirSync(dataDir);
  rmSync(dataDir, { recursive: true, force: true });
  return { ok: true, text: `data: deleted ${shown} (${services.join(', ') || 'empty'})` };
}

function notReachable(label: string, address: string): Outcome {
  return {
    ok: false,
    text: `${label} is not reachable on ${address}, so its part of the lab was not emptied`,
    hint: `start it (pnpm lab up starts what it can, pnpm lab doctor names the rest), then run reset again`,
  };
}

/** "2 queues (a, b)" or "no queue". */
function listed(names: readonly string[], noun: string): string {
  if (names.length === 0) return `no ${noun}`;
  return `${names.length} ${noun}${names.length === 1 ? '' : 's'} (${names.join(', ')})`;
}
