import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { canaryMesh } from '../canary-mesh.test-fixture.ts';
import type { MeshDefinition } from '../define.ts';
import { jsonSchemaOf, validateLinkerdPolicy } from './linkerd-policy.ts';
import { kubernetesFiles, kubernetesObjects, validateObject } from './manifests.ts';
import { percentages, type KubernetesContainer, type KubernetesOptions } from './options.ts';

// With the timeout, retries and ejection the Kubernetes meshes translate.
const mesh: MeshDefinition = {
  ...canaryMesh,
  upstreams: {
    inventory: {
      ...canaryMesh.upstreams.inventory!,
      timeoutMs: 2000,
      retries: { attempts: 3 },
      outlierDetection: { consecutiveErrors: 10, ejectionMs: 10_000 },
    },
  },
};

const container = (service: string, port: number, health: 'http' | 'grpc'): KubernetesContainer => ({
  image: `commlab/${service}:dev`,
  port,
  health,
  memory: '160m',
  env: { PORT: String(port), HOST: '0.0.0.0' },
});

const options: KubernetesOptions = {
  namespace: 'commlab-07-service-mesh',
  source: 'a test',
  containers: {
    'inventory-v1': container('inventory', 50051, 'grpc'),
    'inventory-v2': container('inventory', 50051, 'grpc'),
    order: container('order', 3000, 'http'),
  },
};

type Plain = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> } };

/** The objects of one file, as a reader's kubectl would read them. */
function documents(files: Record<string, string>, path: string): Plain[] {
  return parseAllDocuments(files[path]!).map((doc) => doc.toJS() as Plain);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test assertions read any field
function find(files: Record<string, string>, path: string, kind: string, name: string): Record<string, any> {
  const found = documents(files, path).find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in ${path}`);
  return found;
}

/** A copy of the mesh with inventory's upstream changed. */
function withInventory(change: Partial<MeshDefinition['upstreams'][string]>): MeshDefinition {
  return { ...mesh, upstreams: { inventory: { ...mesh.upstreams.inventory!, ...change } } };
}

describe('the Kubernetes manifests of a mesh', () => {
  it('validates every object of both meshes against its schema', () => {
    const objects = Object.values(kubernetesObjects(mesh, options)).flat();
    const kinds = new Set(objects.map((o) => (o as Plain).kind));
    expect([...kinds].sort()).toEqual([
      'AuthorizationPolicy',
      'Deployment',
      'DestinationRule',
      'GRPCRoute',
      'MeshTLSAuthentication',
      'Namespace',
      'PeerAuthentication',
      'Server',
      'Service',
      'ServiceAccount',
      'VirtualService',
    ]);
    for (const object of objects) expect(() => validateObject(object)).not.toThrow();
  });

  it('refuses objects that break their schema, so passing means something', () => {
    const [vs] = kubernetesObjects(mesh, options)['istio/traffic.yaml']!.filter(
      (o) => (o as Plain).kind === 'VirtualService',
    ) as [{ spec: { http: { retries: { attempts: unknown } }[] } }];
    vs.spec.http[0]!.retries.attempts = 'three';
    expect(() => validateObject(vs)).toThrow(/attempts must be integer/);
    const server = {
      apiVersion: 'policy.linkerd.io/v1beta3',
      kind: 'Server',
      metadata: { name: 'inventory', namespace: 'x' },
      spec: { podSelector: { matchLabels: { app: 'inventory' } }, proxyProtocol: 'gRPC', prot: 'grpc' },
    };
    expect(() => validateLinkerdPolicy(server)).toThrow(
      /must have required property 'port'[\s\S]*must NOT have additional properties/,
    );
    expect(() => validateLinkerdPolicy({ ...server, apiVersion: 'policy.linkerd.io/v9' })).toThrow(
      /serves no policy.linkerd.io\/v9/,
    );
    const auth = {
      apiVersion: 'policy.linkerd.io/v1alpha1',
      kind: 'MeshTLSAuthentication',
      metadata: { name: 'callers', namespace: 'x' },
      spec: { identityRefs: [] },
    };
    expect(() => validateLinkerdPolicy(auth)).toThrow(/identityRefs must NOT have fewer than 1 items/);
  });

  it("gives Istio the lab's mTLS, rule, split, retries, timeouts and ejection", () => {
    const files = kubernetesFiles(mesh, options);
    expect(find(files, 'istio/security.yaml', 'PeerAuthentication', 'default').spec).toEqual({
      mtls: { mode: 'STRICT' },
    });
    expect(find(files, 'istio/security.yaml', 'AuthorizationPolicy', 'inventory').spec).toEqual({
      selector: { matchLabels: { app: 'inventory' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/commlab-07-service-mesh/sa/order'] } }] }],
    });
    const rule = find(files, 'istio/traffic.yaml', 'DestinationRule', 'inventory').spec;
    expect(rule.trafficPolicy).toEqual({
      tls: { mode: 'ISTIO_MUTUAL' },
      connectionPool: { tcp: { connectTimeout: '1s' } },
      outlierDetection: { consecutive5xxErrors: 10, interval: '1s', baseEjectionTime: '10s', maxEjectionPercent: 100 },
    });
    expect(rule.subsets).toEqual([
      { name: 'v1', labels: { version: 'v1' } },
      { name: 'v2', labels: { version: 'v2' } },
    ]);
    const [http] = find(files, 'istio/traffic.yaml', 'VirtualService', 'inventory').spec.http;
    expect(http.route.map((r: { weight: number }) => r.weight)).toEqual([90, 10]);
    expect(http.timeout).toBe('8s');
    expect(http.retries).toEqual({
      attempts: 3,
      perTryTimeout: '2s',
      retryOn: 'connect-failure,reset,gateway-error,unavailable',
    });
  });

  it("gives Linkerd the lab's rule, split, retries, timeouts and failure accrual", () => {
    const files = kubernetesFiles(mesh, options);
    expect(find(files, 'linkerd/namespace.yaml', 'Namespace', options.namespace).metadata.annotations).toEqual({
      'linkerd.io/inject': 'enabled',
    });
    expect(find(files, 'linkerd/policy.yaml', 'Server', 'inventory').spec).toMatchObject({
      port: 'grpc',
      proxyProtocol: 'gRPC',
      accessPolicy: 'deny',
    });
    expect(find(files, 'linkerd/policy.yaml', 'MeshTLSAuthentication', 'inventory-callers').spec).toEqual({
      identityRefs: [{ kind: 'ServiceAccount', name: 'order' }],
    });
    const order = find(files, 'linkerd/workloads.yaml', 'Deployment', 'order');
    expect(order.spec.template.metadata.annotations).toEqual({
      'config.linkerd.io/proxy-outbound-connect-timeout': '1s',
    });
    const route = find(files, 'linkerd/routes.yaml', 'GRPCRoute', 'inventory');
    expect(route.spec.rules[0].backendRefs).toEqual([
      { name: 'inventory-v1', port: 50051, weight: 90 },
      { name: 'inventory-v2', port: 50051, weight: 10 },
    ]);
    expect(route.metadata.annotations).toEqual({
      'timeout.linkerd.io/request': '8s',
      'retry.linkerd.io/limit': '3',
      'retry.linkerd.io/timeout': '2s',
      'retry.linkerd.io/grpc': 'unavailable',
    });
    expect(find(files, 'linkerd/workloads.yaml', 'Service', 'inventory').metadata.annotations).toMatchObject({
      'balancer.linkerd.io/failure-accrual': 'consecutive',
      'balancer.linkerd.io/failure-accrual-consecutive-max-failures': '10',
      'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': '10s',
    });
  });

  it('runs one service account per identity and points the caller at the upstream Service', () => {
    const files = kubernetesFiles(mesh, options);
    const accounts = documents(files, 'istio/workloads.yaml').filter((o) => o.kind === 'ServiceAccount');
    expect(accounts.map((a) => a.metadata.name)).toEqual(['inventory', 'order']);
    const order = find(files, 'istio/workloads.yaml', 'Deployment', 'order').spec.template.spec;
    expect(order.serviceAccountName).toBe('order');
    expect(order.containers[0].env).toContainEqual({ name: 'INVENTORY_ADDR', value: 'inventory:50051' });
    const v2 = find(files, 'linkerd/workloads.yaml', 'Deployment', 'inventory-v2').spec.template;
    expect(v2.metadata.labels).toEqual({ app: 'inventory', version: 'v2' });
    expect(v2.spec.serviceAccountName).toBe('inventory');
  });

  it('changes with every setting of the definition', () => {
    const before = kubernetesFiles(mesh, options);
    const changed = (upstream: Partial<MeshDefinition['upstreams'][string]>) => {
      const after = kubernetesFiles(withInventory(upstream), options);
      return Object.keys(before).filter((path) => before[path] !== after[path]);
    };
    const versions = { v1: { workload: 'inventory-v1', weight: 50 }, v2: { workload: 'inventory-v2', weight: 50 } };
    expect(changed({ versions })).toEqual(['istio/traffic.yaml', 'linkerd/routes.yaml']);
    expect(changed({ timeoutMs: 500 })).toEqual(['istio/traffic.yaml', 'linkerd/routes.yaml']);
    expect(changed({ retries: { attempts: 1 } })).toEqual(['istio/traffic.yaml', 'linkerd/routes.yaml']);
    expect(changed({ outlierDetection: { consecutiveErrors: 5, ejectionMs: 30_000 } })).toEqual([
      'istio/traffic.yaml',
      'linkerd/workloads.yaml',
    ]);
    const wider = { ...mesh, workloads: { ...mesh.workloads, notification: {} } };
    const allowed = kubernetesFiles(
      { ...wider, upstreams: { inventory: { ...mesh.upstreams.inventory!, allow: ['order', 'notification'] } } },
      { ...options, containers: { ...options.containers, notification: container('notification', 3002, 'http') } },
    );
    expect(
      find(allowed, 'istio/security.yaml', 'AuthorizationPolicy', 'inventory').spec.rules[0].from[0].source.principals,
    ).toEqual([
      'cluster.local/ns/commlab-07-service-mesh/sa/order',
      'cluster.local/ns/commlab-07-service-mesh/sa/notification',
    ]);
    expect(
      find(allowed, 'linkerd/policy.yaml', 'MeshTLSAuthentication', 'inventory-callers').spec.identityRefs,
    ).toHaveLength(2);
  });

  it('turns retries off in Istio when the mesh has none (Istio would retry twice) and none in Linkerd', () => {
    const files = kubernetesFiles(withInventory({ retries: undefined }), options);
    const [http] = find(files, 'istio/traffic.yaml', 'VirtualService', 'inventory').spec.http;
    expect(http.retries).toEqual({ attempts: 0 });
    expect(http.timeout).toBe('2s');
    expect(find(files, 'linkerd/routes.yaml', 'GRPCRoute', 'inventory').metadata.annotations).toEqual({
      'timeout.linkerd.io/request': '2s',
    });
  });

  it('splits an HTTP upstream with an HTTPRoute and retries it on 502-504', () => {
    const files = kubernetesFiles(withInventory({ protocol: 'http' }), options);
    const route = find(files, 'linkerd/routes.yaml', 'HTTPRoute', 'inventory');
    expect(route.metadata.annotations['retry.linkerd.io/http']).toBe('gateway-error');
    expect(find(files, 'linkerd/policy.yaml', 'Server', 'inventory').spec.proxyProtocol).toBe('HTTP/1');
    const [http] = find(files, 'istio/traffic.yaml', 'VirtualService', 'inventory').spec.http;
    expect(http.retries.retryOn).toBe('connect-failure,reset,gateway-error');
  });

  it('lists every file of a mesh in its kustomization, for kubectl apply -k', () => {
    const files = kubernetesFiles(mesh, options);
    for (const flavour of ['istio', 'linkerd']) {
      const listed = (documents(files, `${flavour}/kustomization.yaml`)[0] as unknown as { resources: string[] })
        .resources;
      const present = Object.keys(files)
        .filter((path) => path.startsWith(`${flavour}/`) && !path.endsWith('kustomization.yaml'))
        .map((path) => path.slice(flavour.length + 1));
      expect(listed).toEqual(present);
    }
  });
});

describe('percentages', () => {
  it('turns relative weights into whole percentages adding up to 100', () => {
    expect(percentages([90, 10])).toEqual([90, 10]);
    expect(percentages([1, 1, 1])).toEqual([34, 33, 33]);
    expect(percentages([256, 0])).toEqual([100, 0]);
    // 37.5 and 62.5: a tie goes to the version listed first.
    expect(percentages([3, 5])).toEqual([38, 62]);
  });

  it('refuses a split with no weight at all', () => {
    expect(() => percentages([0, 0])).toThrow(/every version has weight 0/);
  });
});

describe('jsonSchemaOf', () => {
  it('reads int-or-string and closes objects unless they keep unknown fields', () => {
    expect(
      jsonSchemaOf({
        type: 'object',
        properties: {
          port: { 'x-kubernetes-int-or-string': true },
          labels: { type: 'object', properties: {}, 'x-kubernetes-preserve-unknown-fields': true },
        },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        port: { anyOf: [{ type: 'integer' }, { type: 'string' }] },
        labels: { type: 'object', properties: {} },
      },
      additionalProperties: false,
    });
  });
});
