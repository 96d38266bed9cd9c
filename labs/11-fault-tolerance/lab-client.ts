import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { credentials } from '@grpc/grpc-js';
import { loadInventoryProto } from '@commlab/contracts';
import { dialEdge, parseDial, readDials, writeDials } from '@commlab/faults/file';
import type { LabUnderTest } from '@commlab/lab/testing';

/**
 * This test file's own fault dials: set before its lab starts, so its services read this file
 * and test files running side by side never turn each other's dials (the guide's
 * `pnpm lab fault` steps inherit it too). In Compose its folder is mounted at the same path.
 */
export function ownFaultsFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'commlab-lab11-faults-'));
  // Readable by the containers' own user (mkdtemp makes it private to us).
  chmodSync(dir, 0o755);
  const file = join(dir, 'flags.json');
  process.env.COMMLAB_FAULTS_FILE = file;
  return file;
}

export interface PolicyReport {
  retry: { retried: number; refusedByBudget: number; delaysMs: number[] };
  bulkhead: { inFlight: number; peakInFlight: number; refused: number };
  breaker: {
    state: 'closed' | 'open' | 'halfOpen';
    transitions: { state: string; at: string }[];
    counts: { fires: number; successes: number; failures: number; rejects: number };
  };
}

export function labClient(lab: LabUnderTest, faultsFile: string) {
  const count = async (service: string, ...texts: string[]) =>
    (await lab.logs(service)).filter((line) => texts.every((text) => line.includes(text))).length;
  // Every replica of inventory reads the dials; a dial is on once each of them logged taking it.
  // By time, not by counting lines: a busy inventory's last lines may no longer hold older ones.
  const inventories = lab.serviceNames.filter((name) => name === 'inventory' || name.startsWith('inventory-'));
  const loggedSince = async (service: string, text: string, since: number) =>
    (await lab.logs(service)).some((line) => line.includes(text) && timeOf(line) >= since);
  const allLoggedSince = async (text: string, since: number) =>
    (await Promise.all(inventories.map((name) => loggedSince(name, text, since)))).every(Boolean);

  const client = {
    /** Places one order at `order` (or `order-fallback`); its status, problem type and how long the answer took. */
    place: async (sku = 'KB-001', service = 'order') => {
      const started = performance.now();
      const response = await fetch(`${lab.url(service)}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'lab-11', lines: [{ sku, quantity: 1 }] }),
      });
      const body = (await response.json()) as { id?: string; type?: string; status?: string | number };
      return {
        status: response.status,
        type: body.type,
        id: body.id,
        orderStatus: typeof body.status === 'string' ? body.status : undefined,
        ms: performance.now() - started,
        retryAfter: response.headers.get('retry-after'),
      };
    },
    /** Every order a service stored, by status (all pages of its listing). */
    orders: async (service: string) => {
      const byStatus: Record<string, string[]> = {};
      let cursor: string | undefined;
      do {
        const query = new URLSearchParams({ limit: '100', ...(cursor && { cursor }) });
        const page = (await (await fetch(`${lab.url(service)}/orders?${query}`)).json()) as {
          items: { id: string; status: string }[];
          next?: string;
        };
        for (const order of page.items) (byStatus[order.status] ??= []).push(order.id);
        cursor = page.next;
      } while (cursor);
      return byStatus;
    },
    /** An endpoint that never calls inventory: the first page of orders. */
    listOrders: async () => {
      const started = performance.now();
      const response = await fetch(`${lab.url('order')}/orders?limit=1`);
      await response.arrayBuffer();
      return { status: response.status, ms: performance.now() - started };
    },
    resilience: async (service = 'order') =>
      (await (await fetch(`${lab.url(service)}/resilience`)).json()) as PolicyReport,
    /** Reservations that reached inventory while a dial was on: each logs `fault applied` once. */
    faultedReservations: () => count('inventory', 'fault applied on order-inventory', 'InventoryService/Reserve'),
    /** Reservations that reached one replica of inventory on an edge while a dial was on it. */
    faultedAt: (service: string, edge: string) =>
      count(service, `fault applied on ${edge}:`, 'InventoryService/Reserve'),
    /** Available and reserved units of a SKU, as inventory's store has them (both replicas share it). */
    stock: async (sku: string) => {
      const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
      const inventory = new InventoryService(lab.addr('inventory'), credentials.createInsecure());
      try {
        return await new Promise<{ available: number; reserved: number }>((resolve, reject) =>
          inventory.GetStock({ skus: [sku] }, (err, reply) =>
            err ? reject(err) : resolve(reply!.items![0]! as never),
          ),
        );
      } finally {
        inventory.close();
      }
    },
    /** Turns a dial (as `pnpm lab fault` does) and resolves once every inventory replica logged that it took it. */
    dial: async (edge: string, words: string[]) => {
      const since = Date.now();
      dialEdge(faultsFile, edge, parseDial(words));
      await until(`inventory to take the dial ${words.join(' ')}`, () => allLoggedSince('fault dials now', since));
    },
    clear: async () => {
      if (Object.keys(readDials(faultsFile)).length === 0) return;
      const since = Date.now();
      writeDials(faultsFile, {});
      await until('inventory to clear its dials', () => allLoggedSince('fault dials cleared', since));
    },
    close: () => {},
  };
  return client;
}

/** Polls `condition` every 50 ms until it holds; fails naming `what` after `timeoutMs`. */
export async function until(what: string, condition: () => Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > end) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await sleep(50);
  }
}

/** When a service logged a line (pino's `time`, ms since the epoch); 0 for a line that is not its JSON. */
function timeOf(line: string): number {
  try {
    return (JSON.parse(line) as { time?: number }).time ?? 0;
  } catch {
    return 0;
  }
}
