import { namespaceSchema } from '@commlab/events';

/** What one run's connector is called, where it reads and where it writes. */
export interface ConnectorNames {
  /** The connector (`<namespace>.order-cdc`): `lab reset` removes every connector of its namespace. */
  connector: string;
  /** The Kafka topic: beside the relay's `<namespace>.order` on Kafka, never mixed with it. */
  topic: string;
  /** The replication slot and the publication (identifiers: letters, digits, underscores). */
  slot: string;
  publication: string;
  /** The event store's schema and table. */
  table: string;
}

export function connectorNames(namespace: string): ConnectorNames {
  const id = namespace.toLowerCase().replace(/[^a-z0-9_]/g, '_');
  return {
    connector: `${namespace}.order-cdc`,
    topic: `${namespace}.order.cdc`,
    slot: `${id}_order_cdc`.slice(0, 63),
    publication: `${id}_order_cdc`.slice(0, 63),
    table: `${namespaceSchema('es', namespace)}.events`,
  };
}

/**
 * The Debezium PostgreSQL connector for the order event store's `events` table, with the outbox
 * event router turning each appended row into exactly the Kafka message the relay's Kafka
 * binding (@commlab/events toKafkaMessage) makes of the same event: key = subject (the order
 * id), value = the data, headers content-type and ce_specversion/id/source/type/subject/time.
 * Every choice here is explained in labs/08-event-sourcing/README.md ("The connector").
 */
export function connectorConfig(namespace: string, databaseUrl: string): Record<string, string> {
  const names = connectorNames(namespace);
  const url = new URL(databaseUrl);
  return {
    'connector.class': 'io.debezium.connector.postgresql.PostgresConnector',
    'tasks.max': '1',
    'database.hostname': url.hostname,
    'database.port': url.port || '5432',
    'database.user': decodeURIComponent(url.username || 'postgres'),
    'database.password': decodeURIComponent(url.password),
    'database.dbname': decodeURIComponent(url.pathname.slice(1)) || 'postgres',
    // PostgreSQL's own logical decoding plugin: nothing to install in the server.
    'plugin.name': 'pgoutput',
    'topic.prefix': `${namespace}.cdc`,
    'table.include.list': names.table,
    'slot.name': names.slot,
    'publication.name': names.publication,
    'publication.autocreate.mode': 'filtered',
    // The slot outlives a stopped or crashed connector: it keeps the changes the connector has
    // not confirmed, which is what makes a restart lose nothing. `lab reset` drops it.
    'slot.drop.on.stop': 'false',
    // The log is streamed from when the connector is registered (the lab registers it before
    // the first order); an existing log is the relay's to publish.
    'snapshot.mode': 'no_data',
    // No __debezium.context.* headers: the message carries the CloudEvents headers only.
    'extended.headers.enabled': 'false',
    'key.converter': 'org.apache.kafka.connect.storage.StringConverter',
    'value.converter': 'org.apache.kafka.connect.storage.StringConverter',
    // Like the bus's topics: 3 partitions, the broker's replication factor; the key (order id)
    // keeps one order's events in one partition, in log order.
    'topic.creation.default.partitions': '3',
    'topic.creation.default.replication.factor': '-1',
    transforms: 'outbox,dropId,contentType',
    'transforms.outbox.type': 'io.debezium.transforms.outbox.EventRouter',
    'transforms.outbox.table.field.event.id': 'event_id',
    'transforms.outbox.table.field.event.key': 'ce_subject',
    'transforms.outbox.table.field.event.type': 'type',
    'transforms.outbox.table.field.event.payload': 'data',
    'transforms.outbox.route.by.field': 'type',
    // One topic for every order event type (no ${routedByValue}): one order's events in order.
    'transforms.outbox.route.topic.replacement': names.topic,
    'transforms.outbox.table.fields.additional.placement': [
      'event_id:header:ce_id',
      'type:header:ce_type',
      'ce_source:header:ce_source',
      'ce_subject:header:ce_subject',
      'ce_time:header:ce_time',
      'ce_specversion:header:ce_specversion',
    ].join(','),
    // The router always adds the event id as a header `id`; the binding calls it ce_id.
    'transforms.dropId.type': 'org.apache.kafka.connect.transforms.DropHeaders',
    'transforms.dropId.headers': 'id',
    'transforms.contentType.type': 'org.apache.kafka.connect.transforms.InsertHeader',
    'transforms.contentType.header': 'content-type',
    'transforms.contentType.value.literal': 'application/json',
  };
}
