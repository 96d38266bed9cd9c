/**
 * A lab's mesh: which workloads run with a sidecar, which logical services (upstreams) they
 * call, who may call each, and how an upstream's traffic splits over its versions. `meshLab`
 * turns it into the lab's services — each workload as lab.ts would list it, pointed at its own
 * sidecar, plus one sidecar (services/mesh-sidecar) per workload — so native runs, Compose
 * and the Kubernetes manifests all come from this one definition.
 */
export type MeshProtocol = 'http' | 'grpc';

export interface MeshWorkload {
  /** Folder under services/; default: the workload's name. */
  service?: string;
  port?: number;
  memory?: string;
  env?: Record<string, string>;
  /** The identity in its certificate (spiffe://<trust domain>/<identity>); default: its service folder. */
  identity?: string;
  /** Upstreams it calls, each with the variable its service reads that address from. */
  calls?: Record<string, string>;
}

export interface MeshUpstream {
  protocol: MeshProtocol;
  /** Identities allowed to call it (an authorization rule, enforced by the callee's sidecar). */
  allow: string[];
  /** Versions (subsets) and their weights: `{ v1: { workload: 'inventory-v1', weight: 90 } }`. */
  versions: Record<string, { workload: string; weight: number }>;
  /**
   * How long one try waits for the upstream's answer to start (HAProxy `timeout server`, per
   * try; Istio's `perTryTimeout`). A call that tries `retries.attempts + 1` times is bounded by
   * that many timeouts. Default: 30 s, HAProxy's default of the lab.
   */
  timeoutMs?: number;
  /**
   * Retries by the caller's sidecar, each on a version picked anew (`option redispatch 1`):
   * after a refused connection, a closed connection with no answer, no answer within
   * `timeoutMs`, or an HTTP 502/503/504 (from a sidecar or proxy: gRPC's own errors come as
   * HTTP 200 with grpc-status in the trailers, which HAProxy cannot retry on).
   */
  retries?: { attempts: number };
  /**
   * Passive outlier detection: a version whose answers fail `consecutiveErrors` times in a row
   * (HTTP 5xx but 501/505, a timeout, a broken connection) is ejected from the split for about
   * `ejectionMs`, then returns after health checks pass.
   */
  outlierDetection?: { consecutiveErrors: number; ejectionMs: number };
}

export interface MeshDefinition {
  /** SPIFFE trust domain (infra/certs/certs.sh's CERTS_TRUST_DOMAIN); default commlab. */
  trustDomain?: string;
  workloads: Record<string, MeshWorkload>;
  upstreams: Record<string, MeshUpstream>;
}

/** A service as lab.ts lists it (the shape of @commlab/lab's LabService, without importing it). */
export interface MeshLabService {
  service?: string;
  port?: number;
  memory?: string;
  extraPorts?: Record<string, { port: number; env: string }>;
  env?: Record<string, string>;
  volumes?: string[];
}

/** The sidecar service's folder under services/. */
export const sidecarService = 'mesh-sidecar';

/** The name a workload's sidecar runs under in the lab. */
export const sidecarOf = (workload: string): string => `${workload}-sidecar`;

/**
 * Where the certificates are, relative to a service's working directory: the repository root
 * natively, /app in a container (the lab's Compose file mounts them there read-only).
 */
export const certsDir = '.run/certs';

/**
 * Ports of the k-th sidecar, Istio's numbers moved by 100 per sidecar (natively all sidecars
 * share the host): runtime API 15000+, outbound listeners 15001+, inbound 15006, health and
 * metrics 15021.
 */
export function sidecarPorts(
  k: number,
  outbound: number,
): { admin: number; inbound: number; health: number; outbound: number[] } {
  const base = 15_000 + 100 * k;
  if (outbound > 4) throw new Error('a sidecar has room for 4 outbound listeners (15001-15004)');
  return {
    admin: base,
    inbound: base + 6,
    health: base + 21,
    outbound: Array.from({ length: outbound }, (_, i) => base + 1 + i),
  };
}

export function identityOf(name: string, workload: MeshWorkload): string {
  return workload.identity ?? workload.service ?? name;
}

/** Checks the definition's names against each other; throws naming what is wrong. */
export function checkMesh(mesh: MeshDefinition): void {
  const problems: string[] = [];
  for (const [name, upstream] of Object.entries(mesh.upstreams)) {
    if (name in mesh.workloads) problems.push(`upstream ${name} has a workload's name`);
    const versions = Object.entries(upstream.versions);
    if (versions.length === 0) problems.push(`upstream ${name} has no versions`);
    for (const [version, { workload, weight }] of versions) {
      if (!mesh.workloads[workload]) problems.push(`upstream ${name} version ${version}: no workload ${workload}`);
      if (!Number.isInteger(weight) || weight < 0 || weight > 256)
        problems.push(`upstream ${name} version ${version}: weight ${weight} is not 0-256`);
    }
    const identities = new Set(Object.entries(mesh.workloads).map(([n, w]) => identityOf(n, w)));
    for (const caller of upstream.allow) {
      if (!identities.has(caller)) problems.push(`upstream ${name} allows ${caller}, which no workload is`);
    }
    const served = new Set(versions.map(([, { workload }]) => identityOf(workload, mesh.workloads[workload] ?? {})));
    if (served.size > 1)
      problems.push(`upstream ${name}: its versions carry different identities (${[...served].join(', ')})`);
  }
  for (const [name, workload] of Object.entries(mesh.workloads)) {
    for (const upstream of Object.keys(workload.calls ?? {})) {
      if (!mesh.upstreams[upstream]) problems.push(`workload ${name} calls ${upstream}, which is no upstream`);
    }
  }
  if (problems.length > 0) throw new Error(`mesh definition:\n  ${problems.join('\n  ')}`);
}

/** The upstream a workload serves, if any (a workload serves at most one). */
export function upstreamServedBy(mesh: MeshDefinition, workload: string): [string, MeshUpstream] | undefined {
  return Object.entries(mesh.upstreams).find(([, u]) => Object.values(u.versions).some((v) => v.workload === workload));
}

/** The lab's services: each workload wired to its sidecar, and the sidecars. */
export function meshLab(mesh: MeshDefinition): Record<string, MeshLabService> {
  checkMesh(mesh);
  const trustDomain = mesh.trustDomain ?? 'commlab';
  const services: Record<string, MeshLabService> = {};
  Object.entries(mesh.workloads).forEach(([name, workload], k) => {
    const sidecar = sidecarOf(name);
    const calls = Object.entries(workload.calls ?? {});
    const ports = sidecarPorts(k, calls.length);
    services[name] = {
      ...(workload.service && { service: workload.service }),
      ...(workload.port && { port: workload.port }),
      ...(workload.memory && { memory: workload.memory }),
      env: {
        ...workload.env,
        // The service calls its own sidecar, in plain text; the sidecar does the rest.
        ...Object.fromEntries(calls.map(([upstream, variable]) => [variable, `\${${sidecar}.${upstream}.addr}`])),
      },
    };
    const served = upstreamServedBy(mesh, name);
    const spec = {
      workload: name,
      identity: identityOf(name, workload),
      trustDomain,
      healthPort: `\${${sidecar}.port}`,
      adminPort: `\${${sidecar}.admin.port}`,
      ...(served && {
        inbound: {
          port: `\${${sidecar}.inbound.port}`,
          appPort: `\${${name}.port}`,
          protocol: served[1].protocol,
          allow: served[1].allow,
        },
      }),
      outbound: calls.map(([upstream]) => {
        const target = mesh.upstreams[upstream]!;
        const first = Object.values(target.versions)[0]!.workload;
        return {
          upstream,
          port: `\${${sidecar}.${upstream}.port}`,
          protocol: target.protocol,
          identity: identityOf(first, mesh.workloads[first]!),
          ...(target.timeoutMs !== undefined && { timeoutMs: target.timeoutMs }),
          ...(target.retries && { retries: target.retries }),
          ...(target.outlierDetection && { outlierDetection: target.outlierDetection }),
          servers: Object.entries(target.versions).map(([version, { workload: to, weight }]) => ({
            name: version,
            addr: `\${${sidecarOf(to)}.inbound.addr}`,
            weight,
          })),
        };
      }),
    };
    services[sidecar] = {
      service: sidecarService,
      port: ports.health,
      extraPorts: {
        admin: { port: ports.admin, env: 'MESH_ADMIN_PORT' },
        ...(served && { inbound: { port: ports.inbound, env: 'MESH_INBOUND_PORT' } }),
        ...Object.fromEntries(
          calls.map(([upstream], i) => [
            upstream,
            { port: ports.outbound[i]!, env: `MESH_OUTBOUND_${upstream.toUpperCase().replaceAll('-', '_')}_PORT` },
          ]),
        ),
      },
      env: { MESH_SIDECAR: JSON.stringify(spec) },
      // In Compose the sidecar reads the certificates issued on the host (infra/certs/certs.sh).
      volumes: [`../../${certsDir}:/app/${certsDir}:ro`],
    };
  });
  return services;
}
