/** The NOTIFY channel an append wakes subscribers on (per database, so test databases stay apart). */
export const eventsChannel = 'commlab_events';

/**
 * The store's tables. `events` is the log; `events_head` is the last position handed out, and
 * its one row is also the lock that puts appends in commit order (see event-store.ts).
 */
export const eventStoreTables = `
CREATE TABLE IF NOT EXISTS events (
  position    BIGINT PRIMARY KEY,
  stream_id   TEXT NOT NULL,
  version     INTEGER NOT NULL CHECK (version > 0),
  event_id    UUID NOT NULL,
  type        TEXT NOT NULL,
  data        JSONB NOT NULL,
  metadata    JSONB NOT NULL DEFAULT '{}',
  recorded_at TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT events_stream_version UNIQUE (stream_id, version),
  CONSTRAINT events_event_id UNIQUE (event_id)
);

CREATE TABLE IF NOT EXISTS events_head (
  singleton BOOLEAN PRIMARY KEY DEFAULT true CHECK (singleton),
  position  BIGINT NOT NULL
);
INSERT INTO events_head (singleton, position) VALUES (true, 0) ON CONFLICT DO NOTHING;

-- Append-only: history is corrected by appending, never by editing. (TRUNCATE stays allowed:
-- resetting a lab between exercises empties the whole store at once.)
CREATE OR REPLACE FUNCTION events_are_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'events are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END $$;
CREATE OR REPLACE TRIGGER events_append_only BEFORE UPDATE OR DELETE ON events
  FOR EACH ROW EXECUTE FUNCTION events_are_append_only();

-- Wakes subscribers (LISTEN commlab_events) with the last position appended. PostgreSQL delivers
-- a NOTIFY when its transaction commits and drops it on rollback, so a wake-up never announces
-- an event that is not visible yet.
CREATE OR REPLACE FUNCTION events_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('${eventsChannel}', (SELECT max(position) FROM appended)::text);
  RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER events_notify AFTER INSERT ON events
  REFERENCING NEW TABLE AS appended FOR EACH STATEMENT EXECUTE FUNCTION events_notify();

CREATE TABLE IF NOT EXISTS snapshots (
  stream_id TEXT NOT NULL,
  schema    TEXT NOT NULL,
  version   INTEGER NOT NULL,
  state     JSONB NOT NULL,
  taken_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (stream_id, schema)
);

CREATE TABLE IF NOT EXISTS subscription_checkpoints (
  name       TEXT PRIMARY KEY,
  position   BIGINT NOT NULL DEFAULT 0,
  updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
`;
