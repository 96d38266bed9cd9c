import { postgresDatabase } from '@commlab/sql';
import { inNamespaces } from '../namespace.ts';

/**
 * Removes the namespaces' Debezium connectors from a Kafka Connect worker: each is stopped, its
 * source offsets deleted (a connector registered again later starts afresh, not at an LSN of a
 * slot that is gone) and then deleted. Connector names start with the namespace
 * (`lab08.order-cdc`), as the lab's topics do.
 */
export async function removeConnectors(connectUrl: string, namespaces: readonly string[]): Promise<string[]> {
  const call = async (method: string, path: string) => {
    const response = await fetch(`${connectUrl}${path}`, { method, signal: AbortSignal.timeout(15_000) });
    if (!response.ok && response.status !== 404) {
      throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
    }
    return response;
  };
  const names = ((await (await call('GET', '/connectors')).json()) as string[])
    .filter((name) => inNamespaces(name, namespaces))
    .sort();
  for (const name of names) {
    const path = `/connectors/${encodeURIComponent(name)}`;
    await call('PUT', `${path}/stop`);
    // Offsets can only be deleted once the connector is STOPPED (asynchronous after the PUT).
    for (const until = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 250))) {
      const status = (await (await call('GET', `${path}/status`)).json()) as { connector?: { state: string } };
      if (status.connector?.state === 'STOPPED' || Date.now() > until) break;
    }
    await call('DELETE', `${path}/offsets`);
    await call('DELETE', path);
  }
  return names;
}

/**
 * Drops the namespaces' replication slots and publications (named `<namespace>_…` with the
 * namespace as an identifier). A slot keeps WAL until it is dropped, so one left behind fills
 * the disk. A slot still held by a connector that is shutting down is waited for.
 */
export async function dropSlots(
  url: string,
  namespaces: readonly string[],
): Promise<{ slots: string[]; publications: string[] }> {
  const prefixes = namespaces.map((namespace) => `${namespace.toLowerCase().replace(/[^a-z0-9_]/g, '_')}_`);
  const ours = (name: string) => prefixes.some((prefix) => name.startsWith(prefix));
  const db = await postgresDatabase(url, { max: 1 });
  try {
    const slots = (await db.query<{ slot_name: string }>('SELECT slot_name FROM pg_replication_slots'))
      .map((row) => row.slot_name)
      .filter(ours)
      .sort();
    for (const slot of slots) {
      for (const until = Date.now() + 20_000; ; await new Promise((r) => setTimeout(r, 250))) {
        const [row] = await db.query<{ active: boolean }>(
          'SELECT active FROM pg_replication_slots WHERE slot_name = ?',
          [slot],
        );
        if (!row) break;
        if (!row.active || Date.now() > until) {
          await db.execute('SELECT pg_drop_replication_slot(?)', [slot]);
          break;
        }
      }
    }
    const publications = (await db.query<{ pubname: string }>('SELECT pubname FROM pg_publication'))
      .map((row) => row.pubname)
      .filter(ours)
      .sort();
    for (const publication of publications) await db.execute(`DROP PUBLICATION IF EXISTS "${publication}"`);
    return { slots, publications };
  } finally {
    await db.close();
  }
}
