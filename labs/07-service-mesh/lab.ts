import { defineLab } from '@commlab/lab';
import { meshLab, type MeshDefinition } from '@commlab/mesh';

// Lab 01's order and inventory, unchanged, each behind a sidecar (HAProxy, rendered by the
// mesh control plane in packages/mesh). order calls inventory at its own sidecar in plain
// text; the sidecars talk mTLS (HTTP/2 for gRPC) with SPIFFE certificates, only order may call
// inventory, and inventory's traffic splits over two versions by weight, changed live.
export const mesh: MeshDefinition = {
  workloads: {
    'inventory-v1': { service: 'inventory', port: 50061 },
    'inventory-v2': { service: 'inventory', port: 50062 },
    order: { calls: { inventory: 'INVENTORY_ADDR' } },
  },
  upstreams: {
    inventory: {
      protocol: 'grpc',
      allow: ['order'],
      versions: {
        v1: { workload: 'inventory-v1', weight: 90 },
        v2: { workload: 'inventory-v2', weight: 10 },
      },
      // Resilience in the caller's sidecar, none in the services: 2 s per try, 3 retries on
      // another version, and a version failing 10 answers in a row ejected for about 10 s
      // (10, HAProxy's default: a flaky version failing 20 % does that once in 10⁷ runs, so it
      // is retried, not ejected; a broken one is ejected after 10 answers).
      timeoutMs: 2000,
      retries: { attempts: 3 },
      outlierDetection: { consecutiveErrors: 10, ejectionMs: 10_000 },
    },
  },
};

export default defineLab({
  services: meshLab(mesh),
  links: [
    { label: 'Orders API (no sidecar in front: clients come from outside the mesh)', url: '${order.url}/orders' },
    { label: "order's sidecar metrics", url: '${order-sidecar.url}/metrics' },
    { label: 'inventory v1 sidecar metrics', url: '${inventory-v1-sidecar.url}/metrics' },
  ],
  commands: [
    { label: 'Traffic split of inventory', command: 'node labs/07-service-mesh/mesh.ts split' },
    { label: 'Shift half to v2, live', command: 'node labs/07-service-mesh/mesh.ts split v1=50 v2=50' },
  ],
});
