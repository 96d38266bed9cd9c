import { credentials, type ChannelCredentials } from '@grpc/grpc-js';
import { loadInventoryProto, stockLevelOf } from '@commlab/contracts';
import { serverStats } from '@commlab/mesh';

/** An inventory gRPC client for an address: a sidecar's plain outbound port, or (with credentials) an inbound mTLS port. */
export function inventoryClient(addr: string, creds: ChannelCredentials = credentials.createInsecure()) {
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  // Over TLS, ask for localhost (a name every lab certificate carries) rather than have grpc-js
  // send the loopback IP as the server name (Node's DEP0123 warning); plain ports ignore it.
  return new InventoryService(addr, creds, { 'grpc.ssl_target_name_override': 'localhost' });
}

export interface CallReport {
  calls: number;
  failed: number;
  /** Requests each version of the upstream got during the calls (from the sidecar's own counters). */
  perVersion: Record<string, number>;
}

/**
 * `calls` GetStock calls through a sidecar's outbound port, `concurrency` at a time, what order's
 * checkout does; the split is read from the sidecar's counters before and after.
 */
export async function callThrough(
  outbound: string,
  admin: string,
  { calls, concurrency = 16, upstream = 'inventory' }: { calls: number; concurrency?: number; upstream?: string },
): Promise<CallReport> {
  const client = inventoryClient(outbound);
  const before = await servedBy(admin, upstream);
  let next = 0;
  let failed = 0;
  const worker = async () => {
    while (next < calls) {
      next += 1;
      await stockLevelOf(client, 'WC-005').catch(() => (failed += 1));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  client.close();
  const after = await servedBy(admin, upstream);
  const perVersion = Object.fromEntries(Object.entries(after).map(([v, n]) => [v, n - (before[v] ?? 0)]));
  return { calls, failed, perVersion };
}

export async function servedBy(admin: string, upstream: string): Promise<Record<string, number>> {
  const rows = (await serverStats(admin)).filter((row) => row.backend === upstream);
  return Object.fromEntries(rows.map((row) => [row.server, row.total]));
}
