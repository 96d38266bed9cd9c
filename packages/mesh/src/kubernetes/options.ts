import type { MeshDefinition, MeshUpstream } from '../define.ts';
import { identityOf, upstreamServedBy } from '../define.ts';

/** One workload's container as the lab runs it on its own: what a Deployment needs. */
export interface KubernetesContainer {
  /** The image `pnpm lab compose-check` builds (commlab/<service>:dev). */
  image: string;
  /** The port the service listens on in its pod: its own default, as every pod has its own address. */
  port: number;
  /** How readiness is asked: GET /readyz, or the gRPC health service. */
  health: 'http' | 'grpc';
  /** A Compose memory limit ("160m"), the container's limit. */
  memory: string;
  /** Its settings, without the addresses of the upstreams it calls (the generator adds those). */
  env: Record<string, string>;
}

export interface KubernetesOptions {
  namespace: string;
  /** Every workload of the mesh, by name. */
  containers: Record<string, KubernetesContainer>;
  /** What wrote the files, for their header: "labs/07-service-mesh/lab.ts by `pnpm lab k8s 07`". */
  source: string;
}

/**
 * Istio's trust domain as installed by default. The lab's own CA names its identities
 * spiffe://commlab/<identity>; in a cluster the mesh's CA issues
 * spiffe://cluster.local/ns/<namespace>/sa/<service account>, one service account per identity.
 */
export const istioTrustDomain = 'cluster.local';

/** Labels of a workload's pods: `app` names the upstream it serves (or itself), `version` its version. */
export function podLabels(mesh: MeshDefinition, workload: string): Record<string, string> {
  const served = upstreamServedBy(mesh, workload);
  if (!served) return { app: workload };
  const [upstream, { versions }] = served;
  const version = Object.entries(versions).find(([, v]) => v.workload === workload)![0];
  return { app: upstream, version };
}

/** The service account a workload runs as: its identity, shared by an upstream's versions. */
export function serviceAccountOf(mesh: MeshDefinition, workload: string): string {
  return identityOf(workload, mesh.workloads[workload]!);
}

/**
 * A container port's name, which also tells Istio its protocol (a port named `grpc` or `http`):
 * the protocol of the upstream the workload serves, else how its readiness is asked.
 */
export function portNameOf(mesh: MeshDefinition, workload: string, container: KubernetesContainer): string {
  return upstreamServedBy(mesh, workload)?.[1].protocol ?? container.health;
}

/** The port every version of an upstream listens on: the upstream Service's port. */
export function upstreamPort(name: string, upstream: MeshUpstream, options: KubernetesOptions): number {
  const ports = new Set(Object.values(upstream.versions).map((v) => containerOf(options, v.workload).port));
  if (ports.size > 1)
    throw new Error(`upstream ${name}: its versions listen on different ports (${[...ports].join(', ')})`);
  return [...ports][0]!;
}

export function containerOf(options: KubernetesOptions, workload: string): KubernetesContainer {
  const container = options.containers[workload];
  if (!container) throw new Error(`no container given for workload ${workload}`);
  return container;
}

/** Per try, as HAProxy's `timeout server` of the lab: 30 s unless the mesh says otherwise. */
export function perTryMs(upstream: MeshUpstream): number {
  return upstream.timeoutMs ?? 30_000;
}

/**
 * The whole call's bound. HAProxy has no separate one: a call tries at most `attempts + 1`
 * times, each bounded by the per-try timeout, so that product is the request timeout here.
 */
export function requestMs(upstream: MeshUpstream): number {
  return perTryMs(upstream) * ((upstream.retries?.attempts ?? 0) + 1);
}

/** A duration as both Istio and Linkerd read it: whole seconds as "10s", else milliseconds. */
export function duration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** A Compose memory limit ("160m", "1g") as a Kubernetes quantity ("160Mi", "1Gi"). */
export function memoryQuantity(limit: string): string {
  const match = /^(\d+)([mg])$/.exec(limit);
  if (!match) throw new Error(`memory "${limit}" is not a Compose limit such as "160m"`);
  return `${match[1]}${match[2] === 'm' ? 'Mi' : 'Gi'}`;
}

/**
 * Weights as whole percentages adding up to 100 (Istio requires it; HAProxy's are relative,
 * 0-256), rounded by the largest remainder so the split stays as close as it can.
 */
export function percentages(weights: number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  if (total === 0) throw new Error('every version has weight 0: Istio needs some weight to route to');
  const exact = weights.map((w) => (100 * w) / total);
  const shares = exact.map(Math.floor);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let left = 100 - shares.reduce((s, w) => s + w, 0), k = 0; left > 0; left--, k++) {
    const i = order[k]![1];
    shares[i] = shares[i]! + 1;
  }
  return shares;
}
