export type { Database, Notifications, Sql, SqlValue } from './database.ts';
export { pgNotifications, type PgNotificationsOptions } from './postgres.ts';
export {
  openEventStore,
  resetEventStore,
  type AppendResult,
  type EventStore,
  type ReadAllOptions,
  type ReadStreamOptions,
} from './event-store.ts';
export type { NewEvent, RecordedEvent } from './events.ts';
export {
  DuplicateEventIdError,
  InvalidAppendError,
  WrongExpectedVersionError,
  type ExpectedVersion,
} from './errors.ts';
export {
  aggregateStore,
  type Aggregate,
  type AggregateStore,
  type AggregateStoreOptions,
  type Appended,
  type Loaded,
  type SnapshotCheck,
} from './aggregates.ts';
export {
  startSubscription,
  type Subscription,
  type SubscriptionOptions,
  type SubscriptionStatus,
} from './subscription.ts';
export {
  consistencyOf,
  projectionConsistency,
  projectionReached,
  rebuildProjection,
  runProjection,
  type Consistency,
  type PositionColumns,
  type Projection,
} from './projections.ts';
export { eventsChannel, eventStoreTables } from './schema.ts';
export { canonicalJson } from './canonical-json.ts';
