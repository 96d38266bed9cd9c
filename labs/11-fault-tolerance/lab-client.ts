import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
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
  retry: { retried: number; refusedByBudget: number };
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
    /** Turns a dial (as `pnpm lab fault` does) and resolves once inventory logged that it took it. */
    dial: async (edge: string, words: string[]) => {
      const before = await count('inventory', 'fault dials now');
      dialEdge(faultsFile, edge, parseDial(words));
      await until(
        `inventory to take the dial ${words.join(' ')}`,
        async () => (await count('inventory', 'fault dials now')) > before,
      );
    },
    clear: async () => {
      if (Object.keys(readDials(faultsFile)).length === 0) return;
      const before = await count('inventory', 'fault dials cleared');
      writeDials(faultsFile, {});
      await until(
        'inventory to clear its dials',
        async () => (await count('inventory', 'fault dials cleared')) > before,
      );
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
