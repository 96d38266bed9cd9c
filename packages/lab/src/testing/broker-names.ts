import { Kafka, logLevel } from 'kafkajs';
import { inventoryEventTypes, orderEventTypes } from '@commlab/contracts/events';
import { serviceBusNames } from '@commlab/events';
import type { Lab } from '../define.ts';
import type { InfraEndpoints } from '../topology.ts';
import { inNamespaces, labNamespace } from '../namespace.ts';
import { listRabbitMq, listRabbitMqCluster } from '../reset/rabbitmq.ts';

// An event type (commlab.order.placed.v1) names no broker object; everything else under a
// lab's namespace or the services' default one (commlab) does: an exchange, queue or topic.
const eventType = /^commlab\.[a-z-]+\.[a-z-]+\.v\d+$/;
const brokerName = /^(commlab|lab[0-9a-z]+)\.[a-z0-9.*#-]+$/;

/**
 * The broker objects a guide's prose names in `code`: `lab02.inventory.stock-requests`, or a
 * pattern such as `lab02.*`. Fenced blocks are left out (their output is compared on its own).
 */
export function brokerNamesIn(markdown: string): string[] {
  const prose = markdown.replace(/^```[\s\S]*?^```/gm, '');
  const spans = [...prose.matchAll(/`([^`\n]+)`/g)].map((m) => m[1]!.trim());
  return [...new Set(spans.filter((span) => brokerName.test(span) && !eventType.test(span)))];
}

/** Whether a name from a guide (`*` standing for one word or more) is one of the objects. */
export function namesAnObject(name: string, objects: readonly string[]): boolean {
  const pattern = new RegExp(`^${name.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.+')}$`);
  return objects.some((object) => pattern.test(object));
}

/**
 * What a lab run has on the brokers, named as under the lab's own namespace (`lab02.…`): its
 * RabbitMQ exchanges and queues, its Kafka topics and consumer groups and its Kafka Connect
 * connectors as they are after the run, and the Kafka topics its services' events go to whenever the lab has an event bus (a
 * guide may show the lab on Kafka while its test runs it on RabbitMQ).
 */
export async function brokerObjectsOf(lab: Lab, runNamespace: string, infra: InfraEndpoints): Promise<string[]> {
  // The namespace lab.ts gives its services, if it names one (11-high-availability: lab11ha).
  const own =
    Object.values(lab.services).find((spec) => spec.env.EVENT_NAMESPACE)?.env.EVENT_NAMESPACE ?? labNamespace(lab.id);
  const mine = (names: readonly string[]) =>
    names.filter((name) => inNamespaces(name, [runNamespace])).map((name) => own + name.slice(runNamespace.length));
  const objects: string[] = [];
  if (lab.infra.includes('rabbitmq')) {
    const { queues, exchanges } = await listRabbitMq(infra['rabbitmq.url']!);
    objects.push(...mine(queues), ...mine(exchanges));
  }
  if (lab.infra.includes('kafka')) {
    const admin = new Kafka({ brokers: infra['kafka.brokers']!.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      objects.push(...mine(await admin.listTopics()), ...mine((await admin.listGroups()).groups.map((g) => g.groupId)));
    } finally {
      await admin.disconnect();
    }
  }
  if (lab.infra.includes('rabbitmq-cluster')) {
    const { queues, exchanges } = await listRabbitMqCluster();
    objects.push(...mine(queues), ...mine(exchanges));
  }
  if (lab.infra.includes('kafka-cluster')) {
    const admin = new Kafka({
      brokers: infra['kafka-cluster.brokers']!.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      objects.push(...mine(await admin.listTopics()), ...mine((await admin.listGroups()).groups.map((g) => g.groupId)));
    } finally {
      await admin.disconnect();
    }
  }
  // A Kafka Connect connector is named like a topic (`lab08.order-cdc`), and `lab reset` removes it as one.
  if (lab.infra.includes('kafka-connect')) {
    const response = await fetch(`${infra['kafka-connect.url']}/connectors`, { signal: AbortSignal.timeout(5_000) });
    if (response.ok) objects.push(...mine((await response.json()) as string[]));
  }
  if (Object.values(lab.services).some((spec) => spec.env.EVENT_BUS && spec.env.EVENT_BUS !== 'none')) {
    const { topicOf } = serviceBusNames(own);
    objects.push(...[...Object.values(orderEventTypes), ...Object.values(inventoryEventTypes)].map(topicOf));
  }
  return [...new Set(objects)].sort();
}
