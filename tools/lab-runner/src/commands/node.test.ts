import { describe, expect, it } from 'vitest';
import { resolveLab, type Lab, type ServiceDefaults } from '@commlab/lab/runner';
import { nodeRequest } from './node.ts';

const defaults = (port: number): ServiceDefaults => ({
  port,
  health: 'http',
  memory: '64m',
  brokers: {
    'EVENT_BUS=kafka': { KAFKA_BROKERS: '${kafka.brokers}' },
    'EVENT_BUS=rabbitmq': { AMQP_URL: '${rabbitmq.url}' },
  },
});
const labs: Record<string, Lab> = {
  '11-ha': resolveLab(
    '11-ha',
    {
      services: {
        'order-kafka': { service: 'order', env: { EVENT_BUS: 'kafka', KAFKA_BROKERS: '${kafka-cluster.brokers}' } },
        'order-rabbit': { service: 'order', env: { EVENT_BUS: 'rabbitmq', AMQP_URL: '${rabbitmq-cluster.url}' } },
      },
      links: [],
    },
    {},
    (service) => defaults(service === 'console' ? 3080 : 3000),
  ),
  '02-plain': resolveLab('02-plain', { eventBus: 'rabbitmq', services: { order: {} }, links: [] }, {}, () =>
    defaults(3000),
  ),
};
const labOf = async (id: string) => {
  const lab = labs[id];
  if (!lab) throw new Error(`unknown lab "${id}"; \`pnpm lab list\` shows them all`);
  return lab;
};
const ask = (...args: string[]) => nodeRequest(args, labOf);

describe('pnpm lab node', () => {
  it('takes a lab, one of its clusters’ nodes and an action, and acts in the lab’s Compose project when asked', async () => {
    expect(await ask('11-ha', 'kafka-2', 'kill')).toEqual({
      lab: '11-ha',
      node: 'kafka-2',
      cluster: 'kafka-cluster',
      action: 'kill',
      project: 'commlab-11-ha',
    });
    expect(await ask('11-ha', 'rabbit-3', 'start', '--project', 'mine')).toMatchObject({
      cluster: 'rabbitmq-cluster',
      action: 'start',
      project: 'mine',
    });
    expect(await ask('11-ha', 'controller-1', 'status')).toMatchObject({ cluster: 'kafka-cluster' });
  });

  it('names what is missing or wrong, with what would be right, before touching anything', async () => {
    const errors = await Promise.all([
      ask(),
      ask('99-nope', 'kafka-1', 'kill'),
      ask('02-plain', 'kafka-1', 'kill'),
      ask('11-ha'),
      ask('11-ha', 'kafka-9', 'kill'),
      ask('11-ha', 'kafka-1'),
      ask('11-ha', 'kafka-1', 'explode'),
      ask('11-ha', 'kafka-1', 'kill', 'now'),
      ask('11-ha', 'kafka-1', 'kill', '--project'),
      ask('11-ha', 'kafka-1', 'kill', '--force'),
    ]);
    expect(errors.map((e) => ('error' in e ? e.error : 'no error'))).toEqual([
      'which lab? pnpm lab node <lab> <node> kill|stop|start|restart|status [--project <compose project>]',
      'unknown lab "99-nope"; `pnpm lab list` shows them all',
      'lab 02-plain runs no broker cluster, so it has no nodes to act on (lab 11-high-availability has)',
      'which node? 11-ha has kafka-1, kafka-2, kafka-3, controller-1, controller-2, controller-3, rabbit-1, rabbit-2, rabbit-3; pnpm lab node <lab> <node> kill|stop|start|restart|status [--project <compose project>]',
      'lab 11-ha has no node "kafka-9"; its nodes: kafka-1, kafka-2, kafka-3, controller-1, controller-2, controller-3, rabbit-1, rabbit-2, rabbit-3',
      'what should kafka-1 do? one of kill, stop, start, restart, status',
      'unknown action "explode" for kafka-1; one of kill, stop, start, restart, status',
      'unexpected now; pnpm lab node <lab> <node> kill|stop|start|restart|status [--project <compose project>]',
      '--project needs a Compose project name; pnpm lab node <lab> <node> kill|stop|start|restart|status [--project <compose project>]',
      'unknown option --force; pnpm lab node <lab> <node> kill|stop|start|restart|status [--project <compose project>]',
    ]);
  });
});
