import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labsDir, loadLab } from '@commlab/lab/runner';
import { sidecarService } from '@commlab/mesh';

// The mesh is configuration: lab 07 runs lab 01's services from the very same folders (so the
// same bytes), and changes only where order finds inventory — at its own sidecar.
describe('lab 07-service-mesh changes configuration, never service code', () => {
  it("runs lab 01's order and inventory from their own folders, plus one sidecar per workload", async () => {
    const tour = await loadLab('01-tour');
    const mesh = await loadLab('07-service-mesh');
    const folders = (lab: typeof mesh) => new Set(Object.values(lab.services).map((spec) => spec.service));
    const apps = [...folders(mesh)].filter((folder) => folder !== sidecarService);
    expect(apps.every((folder) => folders(tour).has(folder))).toBe(true);
    const workloads = Object.keys(mesh.services).filter(
      (name) => mesh.services[name]!.service !== sidecarService && name !== 'console',
    );
    expect(workloads.map((name) => `${name}-sidecar`).every((sidecar) => sidecar in mesh.services)).toBe(true);
  });

  it('gives order the same settings as lab 01 except its inventory address, which is its sidecar', async () => {
    const tour = await loadLab('01-tour', { eventBus: 'rabbitmq' });
    const mesh = await loadLab('07-service-mesh');
    const { INVENTORY_ADDR, ...rest } = mesh.services.order!.env;
    expect(INVENTORY_ADDR).toBe('${order-sidecar.inventory.addr}');
    // Lab 01 also has an event bus; without one lab 07's order has nothing else of its own.
    const busSettings = new Set(['EVENT_BUS', 'AMQP_URL', 'EVENT_NAMESPACE', 'INVENTORY_ADDR']);
    const tourOwn = Object.fromEntries(
      Object.entries(tour.services.order!.env).filter(([key]) => !busSettings.has(key)),
    );
    expect(rest).toEqual(tourOwn);
  });

  it("holds no service code: nothing in the lab's folder imports from services/", () => {
    const dir = join(labsDir, '07-service-mesh');
    const sources = readdirSync(dir).filter((file) => file.endsWith('.ts'));
    for (const file of sources) {
      expect(readFileSync(join(dir, file), 'utf8'), file).not.toMatch(/from ['"][./]*services\//);
    }
  });
});
