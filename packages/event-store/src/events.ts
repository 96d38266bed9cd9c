/** An event to append. The store gives it an id (a UUID) unless the caller chose one. */
export interface NewEvent<Type extends string = string, Data = unknown> {
  type: Type;
  /** Anything JSON can carry; stored as JSONB. */
  data: Data;
  /**
   * A UUID. Choose it when a retry must not append twice: the same ids appended again at the
   * same place are recognised as the earlier append (see `EventStore.append`). It is also the
   * CloudEvents `id` when the event is published.
   */
  id?: string;
  /** Context that is not domain data: `traceparent`, causation and correlation ids, the producer. */
  metadata?: Record<string, unknown>;
}

/** An event as stored. */
export interface RecordedEvent<Type extends string = string, Data = unknown> {
  /** Place in the whole store: dense (no holes) and in commit order. */
  position: number;
  streamId: string;
  /** Place in its stream: 1, 2, 3… */
  version: number;
  id: string;
  type: Type;
  data: Data;
  metadata: Record<string, unknown>;
  /** When its transaction started (ISO 8601, UTC); every event of one append has the same. */
  recordedAt: string;
}

/** A row of `events` as the driver returns it. */
export interface EventRow {
  position: number;
  stream_id: string;
  version: number;
  event_id: string;
  type: string;
  data: unknown;
  metadata: Record<string, unknown>;
  recorded_at: Date | string;
}

export const eventRowColumns = 'position, stream_id, version, event_id, type, data, metadata, recorded_at';

export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    version: row.version,
    id: row.event_id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    recordedAt: new Date(row.recorded_at).toISOString(),
  };
}
