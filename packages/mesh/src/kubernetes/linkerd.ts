import { GRPCRoute, HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1';
import { Deployment } from 'kubernetes-models/apps/v1';
import { Namespace, Service } from 'kubernetes-models/v1';
import type { MeshDefinition, MeshUpstream } from '../define.ts';
import { connectTimeoutMs } from '../haproxy-config.ts';
import type { LinkerdPolicy } from './linkerd-policy.ts';
import { duration, perTryMs, requestMs, upstreamPort, type KubernetesOptions } from './options.ts';
import { workloadObjects } from './workloads.ts';

export type LinkerdObject =
  Namespace | ReturnType<typeof workloadObjects>[number] | LinkerdPolicy | HTTPRoute | GRPCRoute;

/**
 * The lab's mesh for Linkerd, by file. mTLS between meshed pods is Linkerd's default; a Server
 * with `accessPolicy: deny` plus an AuthorizationPolicy makes it required and names who may call.
 */
export function linkerdObjects(mesh: MeshDefinition, options: KubernetesOptions): Record<string, LinkerdObject[]> {
  const { namespace } = options;
  const workloads = workloadObjects(mesh, options, { versionServices: true }).map((object) => {
    if (object instanceof Deployment && mesh.workloads[object.metadata!.name!]?.calls) {
      // HAProxy's `timeout connect` of the caller's sidecar: a setting of the caller's proxy.
      object.spec!.template.metadata!.annotations = {
        'config.linkerd.io/proxy-outbound-connect-timeout': duration(connectTimeoutMs),
      };
      return object;
    }
    const upstream = object instanceof Service ? mesh.upstreams[object.metadata!.name!] : undefined;
    if (!upstream?.outlierDetection) return object;
    // Failure accrual is read from the Service the caller addresses (the route's parent).
    object.metadata!.annotations = failureAccrual(upstream.outlierDetection);
    return object;
  });
  return {
    'namespace.yaml': [
      new Namespace({ metadata: { name: namespace, annotations: { 'linkerd.io/inject': 'enabled' } } }),
    ],
    'workloads.yaml': workloads,
    'policy.yaml': Object.entries(mesh.upstreams).flatMap(([name, upstream]): LinkerdPolicy[] => [
      {
        apiVersion: 'policy.linkerd.io/v1beta3',
        kind: 'Server',
        metadata: { name, namespace },
        spec: {
          podSelector: { matchLabels: { app: name } },
          port: upstream.protocol,
          proxyProtocol: upstream.protocol === 'grpc' ? 'gRPC' : 'HTTP/1',
          // Nobody unless authorized: no plain text, no identity that is not allowed.
          accessPolicy: 'deny',
        },
      },
      {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'MeshTLSAuthentication',
        metadata: { name: `${name}-callers`, namespace },
        spec: { identityRefs: upstream.allow.map((id) => ({ kind: 'ServiceAccount' as const, name: id })) },
      },
      {
        apiVersion: 'policy.linkerd.io/v1alpha1',
        kind: 'AuthorizationPolicy',
        metadata: { name, namespace },
        spec: {
          targetRef: { group: 'policy.linkerd.io', kind: 'Server', name },
          requiredAuthenticationRefs: [
            { group: 'policy.linkerd.io', kind: 'MeshTLSAuthentication', name: `${name}-callers` },
          ],
        },
      },
    ]),
    'routes.yaml': Object.entries(mesh.upstreams).map(([name, upstream]) => route(name, upstream, options)),
  };
}

/**
 * The split as a Gateway API route on the upstream's Service: GRPCRoute for gRPC (Linkerd retries
 * gRPC by status only there), HTTPRoute otherwise; the weights are relative, as HAProxy's are.
 * Retries and timeouts are Linkerd's annotations on the route; a retry may go to another backend,
 * as HAProxy's `option redispatch 1` does.
 */
function route(name: string, upstream: MeshUpstream, options: KubernetesOptions): HTTPRoute | GRPCRoute {
  const port = upstreamPort(name, upstream, options);
  const metadata = { name, namespace: options.namespace, annotations: annotations(upstream) };
  const parentRefs = [{ group: 'core', kind: 'Service', name, port }];
  const backendRefs = Object.entries(upstream.versions).map(([version, { weight }]) => ({
    name: `${name}-${version}`,
    port,
    weight,
  }));
  if (upstream.protocol === 'grpc') return new GRPCRoute({ metadata, spec: { parentRefs, rules: [{ backendRefs }] } });
  return new HTTPRoute({ metadata, spec: { parentRefs, rules: [{ backendRefs }] } });
}

/**
 * HAProxy's retries: `retry.linkerd.io/timeout` makes a try that times out retryable; the
 * conditions are a proxy's failure as each protocol sees it (gRPC: status UNAVAILABLE; HTTP:
 * 502-504). The request timeout bounds the whole call, as in the Istio manifests.
 */
function annotations(upstream: MeshUpstream): Record<string, string> {
  const timeouts = { 'timeout.linkerd.io/request': duration(requestMs(upstream)) };
  if (!upstream.retries || upstream.retries.attempts === 0) return timeouts;
  return {
    ...timeouts,
    'retry.linkerd.io/limit': String(upstream.retries.attempts),
    'retry.linkerd.io/timeout': duration(perTryMs(upstream)),
    ...(upstream.protocol === 'grpc'
      ? { 'retry.linkerd.io/grpc': 'unavailable' }
      : { 'retry.linkerd.io/http': 'gateway-error' }),
  };
}

/**
 * Linkerd's consecutive failure accrual: after `consecutiveErrors` failures in a row an endpoint
 * is out for a penalty, here fixed at `ejectionMs` (no growth, no jitter) as HAProxy's is.
 */
function failureAccrual({ consecutiveErrors, ejectionMs }: NonNullable<MeshUpstream['outlierDetection']>) {
  return {
    'balancer.linkerd.io/failure-accrual': 'consecutive',
    'balancer.linkerd.io/failure-accrual-consecutive-max-failures': String(consecutiveErrors),
    'balancer.linkerd.io/failure-accrual-consecutive-min-penalty': duration(ejectionMs),
    'balancer.linkerd.io/failure-accrual-consecutive-max-penalty': duration(ejectionMs),
    'balancer.linkerd.io/failure-accrual-consecutive-jitter-ratio': '0',
  };
}
