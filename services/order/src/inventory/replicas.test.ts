import { afterEach, describe, expect, it } from 'vitest';
import { Server, ServerCredentials, status, type ServiceError } from '@grpc/grpc-js';
import { loadInventoryProto } from '@commlab/contracts';
import { grpcInventory } from './grpc-reservations.ts';
import { inventoryTarget } from './replicas.ts';
import type { InventoryEdge } from './edge.ts';

/** A replica of inventory in this process: counts the reservations it serves, or fails them all. */
async function replica(failing = false) {
  const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
  const server = new Server();
  const served = { count: 0 };
  server.addService(InventoryService.service, {
    Reserve: (_call: unknown, callback: (err: Partial<ServiceError> | null, reply?: object) => void) => {
      served.count++;
      if (failing) callback({ code: status.UNAVAILABLE, details: 'this replica is broken' });
      else callback(null, { reservationId: 'r', lines: [] });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, port) =>
      err ? reject(err) : resolve(port),
    ),
  );
  return { port, served, stop: () => server.forceShutdown() };
}

const soon = () => new Date(Date.now() + 1000);

/** Calls until every replica served one: the channel connects to each on its own time. */
async function untilAllServe(inventory: InventoryEdge, ...replicas: { served: { count: number } }[]) {
  const end = Date.now() + 5000;
  while (replicas.some((r) => r.served.count === 0)) {
    if (Date.now() > end)
      throw new Error(`not every replica served: ${replicas.map((r) => r.served.count).join(', ')}`);
    await reserveMany(inventory, 2);
  }
}
const reserveMany = async (inventory: InventoryEdge, n: number) =>
  Promise.allSettled(Array.from({ length: n }, (_, i) => inventory.reserve(`o-${i}`, [], soon())));

describe('inventory replicas behind one channel', () => {
  const cleanUp: (() => void)[] = [];
  afterEach(() => {
    for (const step of cleanUp.splice(0)) step();
  });

  it('names one address as it is and a list with the replicas scheme', () => {
    expect(inventoryTarget('inventory:50051')).toBe('inventory:50051');
    expect(inventoryTarget('inventory:50051, inventory-2:50054')).toBe('replicas:inventory:50051,inventory-2:50054');
  });

  it('balances over every replica, by name or address, and keeps serving on the one left when the other dies', async () => {
    const [a, b] = [await replica(), await replica()];
    cleanUp.push(a.stop, b.stop);
    const inventory = grpcInventory(`localhost:${a.port},127.0.0.1:${b.port}`);
    cleanUp.push(() => void inventory.close());
    await untilAllServe(inventory, a, b);

    // Round robin: every call to the next replica.
    const [servedA, servedB] = [a.served.count, b.served.count];
    await reserveMany(inventory, 20);
    expect([a.served.count - servedA, b.served.count - servedB]).toEqual([10, 10]);

    b.stop();
    const servedByA = a.served.count;
    // The first call after the kill may still pick the dead connection; none after it does.
    await reserveMany(inventory, 1);
    const outcomes = await reserveMany(inventory, 20);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
    expect(a.served.count - servedByA).toBeGreaterThanOrEqual(20);
  });

  it('ejects a replica that answers but fails every call (outlier detection)', async () => {
    const [good, broken] = [await replica(), await replica(true)];
    cleanUp.push(good.stop, broken.stop);
    const inventory = grpcInventory(`127.0.0.1:${good.port},127.0.0.1:${broken.port}`);
    cleanUp.push(() => void inventory.close());
    await untilAllServe(inventory, good, broken);

    // Round robin sends it half of the calls until outlier detection's next sweep (every second) ejects it.
    await reserveMany(inventory, 20);
    expect(broken.served.count).toBeGreaterThanOrEqual(5);
    const end = Date.now() + 5000;
    let brokenBefore = broken.served.count;
    for (;;) {
      await reserveMany(inventory, 10);
      if (broken.served.count === brokenBefore || Date.now() > end) break;
      brokenBefore = broken.served.count;
    }
    const outcomes = await reserveMany(inventory, 20);
    expect(broken.served.count).toBe(brokenBefore);
    expect(outcomes.filter((o) => o.status === 'rejected')).toEqual([]);
  });
});
