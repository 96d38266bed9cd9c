import Type, { type Static } from 'typebox';
import Value from 'typebox/value';

const Port = Type.Integer({ minimum: 1, maximum: 65535 });
const Address = Type.String({ pattern: '^[^\\s:]+:\\d+$', description: 'host:port' });
const Name = Type.String({ pattern: '^[a-z0-9]([a-z0-9-]*[a-z0-9])?$' });
const Protocol = Type.Union([Type.Literal('http'), Type.Literal('grpc')]);

/**
 * What one sidecar does, as the control plane hands it over (the MESH_SIDECAR variable, JSON,
 * with every address already resolved for the run mode). The sidecar renders its HAProxy
 * configuration from this alone.
 */
export const SidecarSpec = Type.Object({
  workload: Name,
  /** The SPIFFE path of the workload's certificate: spiffe://<trustDomain>/<identity>. */
  identity: Name,
  trustDomain: Type.String({ pattern: '^[a-z0-9.-]+$' }),
  /** Readiness (/readyz) and Prometheus metrics (/metrics). */
  healthPort: Port,
  /** HAProxy's runtime API (TCP, loopback or the container's network only). */
  adminPort: Port,
  inbound: Type.Optional(
    Type.Object({
      port: Port,
      /**
       * The workload's own port. Its host is the sidecar's: 127.0.0.1 natively (as a pod's
       * containers share localhost), the workload's name on a Compose network. A port, not an
       * address, so the sidecar starts beside its workload rather than after it.
       */
      appPort: Port,
      protocol: Protocol,
      /** Identities allowed to call this workload; everyone else gets 403. */
      allow: Type.Array(Name, { minItems: 1 }),
    }),
  ),
  outbound: Type.Array(
    Type.Object({
      upstream: Name,
      port: Port,
      protocol: Protocol,
      /** The identity the upstream's certificate must carry (its DNS SAN, checked by verifyhost). */
      identity: Name,
      /** Per try: how long the sidecar waits for the upstream's answer (HAProxy `timeout server`). */
      timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 600_000 })),
      retries: Type.Optional(Type.Object({ attempts: Type.Integer({ minimum: 0, maximum: 10 }) })),
      outlierDetection: Type.Optional(
        Type.Object({
          consecutiveErrors: Type.Integer({ minimum: 1, maximum: 100 }),
          ejectionMs: Type.Integer({ minimum: 1_000, maximum: 600_000 }),
        }),
      ),
      servers: Type.Array(
        Type.Object({ name: Name, addr: Address, weight: Type.Integer({ minimum: 0, maximum: 256 }) }),
        {
          minItems: 1,
        },
      ),
    }),
  ),
});
export type SidecarSpec = Static<typeof SidecarSpec>;

/** Parses MESH_SIDECAR; a bad value throws naming each problem. */
export function parseSidecarSpec(text: string): SidecarSpec {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`MESH_SIDECAR is not JSON: ${(err as Error).message}`, { cause: err });
  }
  const value = Value.Convert(SidecarSpec, raw);
  if (Value.Check(SidecarSpec, value)) return value;
  const problems = [...Value.Errors(SidecarSpec, value)].map((e) => `${e.instancePath || '/'}: ${e.message}`);
  throw new Error(`MESH_SIDECAR is not a sidecar spec:\n  ${[...new Set(problems)].join('\n  ')}`);
}
