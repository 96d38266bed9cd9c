import { describe, expect, it } from 'vitest';
import { connectorConfig, connectorNames } from './connector-config.ts';

describe('the lab 08 Debezium connector', () => {
  it("names everything after the run's namespace: connector and topic with it as prefix, slot and publication as identifiers", () => {
    expect(connectorNames('commlab-test-1a2b3c4d')).toEqual({
      connector: 'commlab-test-1a2b3c4d.order-cdc',
      topic: 'commlab-test-1a2b3c4d.order.cdc',
      slot: 'commlab_test_1a2b3c4d_order_cdc',
      publication: 'commlab_test_1a2b3c4d_order_cdc',
      table: 'es_commlab_test_1a2b3c4d.events',
    });
  });

  it('reads the database the event store is in, as its URL names it', () => {
    const config = connectorConfig('lab08', 'postgres://app:s%40cret@postgres-logical:5432/commlab');
    expect(config).toMatchObject({
      'database.hostname': 'postgres-logical',
      'database.port': '5432',
      'database.user': 'app',
      'database.password': 's@cret',
      'database.dbname': 'commlab',
      'table.include.list': 'es_lab08.events',
      'slot.name': 'lab08_order_cdc',
    });
    expect(connectorConfig('lab08', 'postgres://postgres@127.0.0.1:5433/postgres')).toMatchObject({
      'database.port': '5433',
      'database.user': 'postgres',
      'database.password': '',
      'database.dbname': 'postgres',
    });
  });

  it('routes every order event to one topic keyed by the subject, with each CloudEvents attribute as its ce_ header', () => {
    const config = connectorConfig('lab08', 'postgres://postgres@127.0.0.1:5433/postgres');
    expect(config['transforms.outbox.route.topic.replacement']).toBe('lab08.order.cdc');
    expect(config['transforms.outbox.table.field.event.key']).toBe('ce_subject');
    const headers = config['transforms.outbox.table.fields.additional.placement']!.split(',').map(
      (placement) => placement.split(':')[2],
    );
    expect(headers.sort()).toEqual(['ce_id', 'ce_source', 'ce_specversion', 'ce_subject', 'ce_time', 'ce_type']);
    expect(config['extended.headers.enabled']).toBe('false');
    expect(config['slot.drop.on.stop']).toBe('false');
  });
});
