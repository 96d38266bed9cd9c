import type { Database } from '@commlab/sql';

/**
 * The event store keeps an event's source, subject and time in its JSONB `metadata` column;
 * the outbox event router places columns, not fields inside a JSON document, into headers. So
 * the store's `events` table gets those three as plain columns, filled from `metadata` by a
 * trigger as each event is appended, and `ce_specversion` (a header literal "1.0" would be
 * parsed as the number 1 by Kafka's InsertHeader) (generated columns would not do: PostgreSQL 15's logical
 * replication leaves them out). Idempotent; the order service's own queries never see them.
 */
export async function addCloudEventColumns(db: Database, schema: string): Promise<void> {
  const q = `"${schema}"`;
  await db.execute(`
    ALTER TABLE ${q}.events
      ADD COLUMN IF NOT EXISTS ce_source TEXT,
      ADD COLUMN IF NOT EXISTS ce_subject TEXT,
      ADD COLUMN IF NOT EXISTS ce_time TEXT,
      ADD COLUMN IF NOT EXISTS ce_specversion TEXT`);
  await db.execute(`
    CREATE OR REPLACE FUNCTION ${q}.events_cloudevent_columns() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      NEW.ce_source := NEW.metadata->>'source';
      NEW.ce_subject := NEW.metadata->>'subject';
      NEW.ce_time := NEW.metadata->>'time';
      NEW.ce_specversion := '1.0';
      RETURN NEW;
    END $$`);
  await db.execute(`
    CREATE OR REPLACE TRIGGER events_cloudevent_columns BEFORE INSERT ON ${q}.events
      FOR EACH ROW EXECUTE FUNCTION ${q}.events_cloudevent_columns()`);
}

/** Whether the order service has created its event store yet. */
export async function eventsTableExists(db: Database, schema: string): Promise<boolean> {
  const [row] = await db.query<{ found: string | null }>(`SELECT to_regclass(?) AS found`, [`"${schema}".events`]);
  return Boolean(row?.found);
}
