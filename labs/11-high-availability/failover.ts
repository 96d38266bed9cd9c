// Kills the leader of one lane's events while orders stream in, then reads the history checker's
// verdict: every order answered 202 must be notified exactly once, nothing else.
// Usage (with the lab up): node labs/11-high-availability/failover.ts kafka|rabbit [orders]  (default 300)
//   kafka:  kills the broker leading partition 0 of the lab's order topic, SIGKILL
//   rabbit: kills the node leading the notification service's quorum queue, SIGKILL
// The killed node is started again at the end. COMMLAB_LAB_PORTS and EVENT_NAMESPACE point it at
// a lab started elsewhere (a test's, on free ports).
import { Kafka, logLevel } from 'kafkajs';
import { serviceBusNames } from '@commlab/events';
import { labAt, loadLab, nativeInfra, parseLabPorts } from '@commlab/lab/runner';
import { checkHistory, kafkaCluster, rabbitMqCluster, type HistoryEntry } from '@commlab/testkit';
import { appliedEvents, labClient, orderEvent, type Lane } from './lab-client.ts';

const lane = process.argv[2] as Lane;
const total = Number(process.argv[3] ?? 300);
if ((lane !== 'kafka' && lane !== 'rabbit') || !Number.isInteger(total) || total < 10) {
  console.error('usage: node labs/11-high-availability/failover.ts kafka|rabbit [orders, at least 10]');
  process.exit(2);
}

const lab = await loadLab('11-high-availability');
const at = labAt(lab, {
  mode: 'native',
  infra: nativeInfra(),
  ports: parseLabPorts(lab, process.env.COMMLAB_LAB_PORTS),
});
const client = labClient(at);
const namespace = process.env.EVENT_NAMESPACE || at.env(`order-${lane}`).EVENT_NAMESPACE!;
const history: HistoryEntry[] = [];
const before = new Set((await client.notifications(lane)).map((n) => n.orderId));

/** The node leading the lane's events now, and how to kill and restart it. */
async function leader(): Promise<{ node: string; what: string }> {
  if (lane === 'kafka') {
    const topic = serviceBusNames(namespace).topicOf('commlab.order.placed.v1');
    const admin = new Kafka({ brokers: await kafkaCluster().brokers(), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      const id = topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
      return { node: kafkaCluster().brokerNode(id), what: `partition 0 of ${topic}` };
    } finally {
      await admin.disconnect();
    }
  }
  const queue = serviceBusNames(namespace).group('notification.order-events');
  return { node: await rabbitMqCluster().queueLeader(queue), what: `quorum queue ${queue}` };
}
const cluster = lane === 'kafka' ? kafkaCluster() : rabbitMqCluster();

const first = await leader();
console.log(`${first.what}: led by ${first.node}`);
console.log(`placing ${total} orders over order-${lane}, 10 at a time; killing ${first.node} after ${total / 3}`);
let placed = 0;
const statuses = new Map<number, number>();
let killed: Promise<void> | undefined;
await Promise.all(
  Array.from({ length: 10 }, async () => {
    while (placed < total) {
      placed++;
      if (placed === Math.floor(total / 3)) killed = cluster.node(first.node, 'kill');
      const { status, id } = await client.place(lane, 'failover').catch(() => ({ status: 0, id: undefined }));
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
      if (id) history.push(orderEvent(id, status));
    }
  }),
);
await killed;
console.log(`answers: ${[...statuses].map(([status, n]) => `${n} × ${status || 'no answer'}`).join(', ')}`);
// The cluster notices a dead leader within seconds (Kafka: once the controllers fence it).
let next = await leader();
for (const deadline = Date.now() + 30_000; next.node === first.node && Date.now() < deadline;) {
  await new Promise((r) => setTimeout(r, 500));
  next = await leader().catch(() => next);
}
console.log(`${next.what}: now led by ${next.node}`);
if (next.node !== first.node) history.push({ kind: 'leader-changed', what: `${first.node} → ${next.node}` });

const stored = history.filter((e) => e.kind === 'produced' && e.outcome === 'confirmed').length;
const mine = async () => (await client.notifications(lane)).filter((n) => !before.has(n.orderId));
for (const deadline = Date.now() + 120_000; (await mine()).length < stored && Date.now() < deadline;) {
  await new Promise((r) => setTimeout(r, 500));
}
const report = checkHistory([...history, ...appliedEvents(await mine())]);
console.log(`history: ${report.summary}`);
console.log(report.ok ? 'checker: PASS' : `checker: FAIL\n  ${report.problems.join('\n  ')}`);
console.log(`starting ${first.node} again`);
await cluster.node(first.node, 'start');
process.exit(report.ok ? 0 : 1);
