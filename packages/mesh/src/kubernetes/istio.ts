import { DestinationRule, VirtualService } from '@kubernetes-models/istio/networking.istio.io/v1';
import { AuthorizationPolicy, PeerAuthentication } from '@kubernetes-models/istio/security.istio.io/v1';
import { Namespace } from 'kubernetes-models/v1';
import type { MeshDefinition, MeshUpstream } from '../define.ts';
import { connectTimeoutMs } from '../haproxy-config.ts';
import { duration, istioTrustDomain, percentages, perTryMs, requestMs, type KubernetesOptions } from './options.ts';
import { workloadObjects } from './workloads.ts';

export type IstioObject =
  | Namespace
  | ReturnType<typeof workloadObjects>[number]
  | PeerAuthentication
  | AuthorizationPolicy
  | DestinationRule
  | VirtualService;

/** The lab's mesh for Istio, by file: namespace, workloads, security (mTLS, who may call), traffic. */
export function istioObjects(mesh: MeshDefinition, options: KubernetesOptions): Record<string, IstioObject[]> {
  const { namespace } = options;
  const host = (upstream: string) => `${upstream}.${namespace}.svc.cluster.local`;
  return {
    'namespace.yaml': [new Namespace({ metadata: { name: namespace, labels: { 'istio-injection': 'enabled' } } })],
    'workloads.yaml': workloadObjects(mesh, options, { versionServices: false }),
    'security.yaml': [
      // Every sidecar of the namespace accepts mTLS only: `verify required` on each inbound bind.
      new PeerAuthentication({ metadata: { name: 'default', namespace }, spec: { mtls: { mode: 'STRICT' } } }),
      ...Object.entries(mesh.upstreams).map(
        ([name, upstream]) =>
          // The callee's rule on the caller's verified identity, as the lab's `acl allowed`.
          new AuthorizationPolicy({
            metadata: { name, namespace },
            spec: {
              selector: { matchLabels: { app: name } },
              action: 'ALLOW',
              rules: [
                {
                  from: [
                    {
                      source: {
                        principals: upstream.allow.map((id) => `${istioTrustDomain}/ns/${namespace}/sa/${id}`),
                      },
                    },
                  ],
                },
              ],
            },
          }),
      ),
    ],
    'traffic.yaml': Object.entries(mesh.upstreams).flatMap(([name, upstream]) => [
      new DestinationRule({
        metadata: { name, namespace },
        spec: {
          host: host(name),
          trafficPolicy: {
            tls: { mode: 'ISTIO_MUTUAL' },
            // HAProxy's `timeout connect` of every sidecar (Istio's default is 10 s).
            connectionPool: { tcp: { connectTimeout: duration(connectTimeoutMs) } },
            ...(upstream.outlierDetection && { outlierDetection: outlierDetection(upstream.outlierDetection) }),
          },
          subsets: Object.keys(upstream.versions).map((version) => ({ name: version, labels: { version } })),
        },
      }),
      new VirtualService({
        metadata: { name, namespace },
        spec: {
          hosts: [host(name)],
          http: [
            {
              route: route(name, upstream, host(name)),
              timeout: duration(requestMs(upstream)),
              retries: retries(upstream),
            },
          ],
        },
      }),
    ]),
  };
}

function route(name: string, upstream: MeshUpstream, host: string) {
  const versions = Object.entries(upstream.versions);
  const weights = percentages(versions.map(([, v]) => v.weight));
  return versions.map(([subset], i) => ({ destination: { host, subset }, weight: weights[i]! }));
}

/**
 * HAProxy's `retry-on conn-failure empty-response response-timeout 502 503 504` in Envoy's
 * words: connect-failure, reset (no answer, also a try timed out), gateway-error (502-504).
 * For gRPC also `unavailable`: a proxy that fails a gRPC call answers grpc-status 14 in HTTP
 * 200, not 503. Istio retries 2 times unless told: none in the mesh is `attempts: 0`.
 */
function retries(upstream: MeshUpstream) {
  if (!upstream.retries || upstream.retries.attempts === 0) return { attempts: 0 };
  const on = ['connect-failure', 'reset', 'gateway-error', ...(upstream.protocol === 'grpc' ? ['unavailable'] : [])];
  return {
    attempts: upstream.retries.attempts,
    perTryTimeout: duration(perTryMs(upstream)),
    retryOn: on.join(','),
  };
}

/**
 * HAProxy ejects a version after `consecutiveErrors` failed answers in a row (5xx, timeouts and
 * broken connections alike: Envoy's consecutive5xxErrors counts those too) and lets it back
 * after about `ejectionMs`. Envoy un-ejects at its sweep (`interval`), so one a second, like the
 * lab's health checks; it may eject a version's only pod (maxEjectionPercent 100), as HAProxy does.
 */
function outlierDetection({ consecutiveErrors, ejectionMs }: NonNullable<MeshUpstream['outlierDetection']>) {
  return {
    consecutive5xxErrors: consecutiveErrors,
    interval: '1s',
    baseEjectionTime: duration(ejectionMs),
    maxEjectionPercent: 100,
  };
}
