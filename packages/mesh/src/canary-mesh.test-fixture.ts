import type { MeshDefinition } from './define.ts';

/** The mesh the package's tests read: lab 07's shape, order calling inventory split 90/10 across two versions. */
export const canaryMesh: MeshDefinition = {
  workloads: {
    'inventory-v1': { service: 'inventory', port: 50061 },
    'inventory-v2': { service: 'inventory', port: 50062 },
    order: { calls: { inventory: 'INVENTORY_ADDR' } },
  },
  upstreams: {
    inventory: {
      protocol: 'grpc',
      allow: ['order'],
      versions: { v1: { workload: 'inventory-v1', weight: 90 }, v2: { workload: 'inventory-v2', weight: 10 } },
    },
  },
};
