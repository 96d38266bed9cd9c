import { experimental, type ChannelOptions, type StatusObject } from '@grpc/grpc-js';

/**
 * Several replicas of inventory behind one gRPC channel, balanced by the client (lab 11).
 *
 * grpc-js (1.14) balances over the addresses a name resolver hands it, but its resolvers take
 * one name (`dns:inventory:50051`) or IP literals (`ipv4:127.0.0.1:50051,…`): neither names
 * two Compose services. So this registers the scheme `replicas:` — `replicas:inventory:50051,
 * inventory-2:50054` — which runs grpc-js's own DNS resolver for each address and hands the
 * channel every endpoint any of them found: a replica whose name no longer resolves (its
 * container stopped) simply drops out, and comes back when it resolves again.
 *
 * What keeps a failed replica out of the rotation is grpc-js's own: round_robin picks only
 * connections that are READY (a killed replica's connection closes at once, and it is not
 * picked while it reconnects), and outlier detection ejects a replica that answers but fails
 * (a hung one runs into deadlines, a broken one answers UNAVAILABLE). grpc-js has no active
 * health checking (`healthCheckConfig` is not implemented there), so these two are its health checks.
 */
export const replicasScheme = 'replicas';

/** The channel target for a comma-separated list of host:port, or the one address as it is. */
export function inventoryTarget(addresses: string): string {
  const list = replicaAddresses(addresses);
  return list.length === 1 ? list[0]! : `${replicasScheme}:${list.join(',')}`;
}

export function replicaAddresses(addresses: string): string[] {
  return addresses
    .split(',')
    .map((address) => address.trim())
    .filter(Boolean);
}

/** A google.protobuf.Duration as grpc-js reads it in a service config. */
const seconds = (n: number) => ({ seconds: n, nanos: 0 });

/**
 * The channel's settings for a list of replicas: round_robin over them under outlier detection
 * (every second, a replica that failed half or more of at least 5 calls is ejected for 5 s,
 * longer each time; never more than half of them), and a quick look-up again after a failure.
 * Outlier detection counts every status but OK as a failure, refusals (no stock) too: with one
 * store behind every replica they fail alike, and at most one of two is ejected.
 */
export function replicaChannelOptions(): ChannelOptions {
  registerReplicasResolver();
  return {
    'grpc.service_config': JSON.stringify({
      loadBalancingConfig: [
        {
          outlier_detection: {
            interval: seconds(1),
            base_ejection_time: seconds(5),
            max_ejection_time: seconds(30),
            max_ejection_percent: 50,
            failure_percentage_ejection: {
              threshold: 50,
              enforcement_percentage: 100,
              minimum_hosts: 2,
              request_volume: 5,
            },
            child_policy: [{ round_robin: {} }],
          },
        },
      ],
    }),
    // The replicas' names are Compose services: no TXT record carries a service config.
    'grpc.service_config_disable_resolution': 1,
    'grpc.dns_min_time_between_resolutions_ms': 1000,
    // A replica that comes back is tried again within 5 s, not after grpc-js's 2 minutes at most.
    'grpc.max_reconnect_backoff_ms': 5000,
  };
}

let registered = false;

function registerReplicasResolver(): void {
  if (registered) return;
  registered = true;
  experimental.registerResolver(replicasScheme, ReplicasResolver);
}

type Endpoint = experimental.Endpoint;
type Listener = experimental.ResolverListener;

class ReplicasResolver implements experimental.Resolver {
  readonly #children: experimental.Resolver[];

  constructor(target: experimental.GrpcUri, listener: Listener, options: ChannelOptions) {
    const found = new Map<number, Endpoint[]>();
    let lastError: StatusObject | undefined;
    this.#children = replicaAddresses(target.path).map((path, index) =>
      experimental.createResolver(
        { scheme: 'dns', path },
        (endpoints) => {
          if (endpoints.ok) found.set(index, endpoints.value);
          else {
            found.delete(index);
            lastError = endpoints.error;
          }
          const all = [...found.values()].flat();
          return all.length > 0 || !lastError
            ? listener(experimental.statusOrFromValue(all), {}, null, '')
            : listener(experimental.statusOrFromError(lastError), {}, null, '');
        },
        options,
      ),
    );
  }

  updateResolution(): void {
    for (const child of this.#children) child.updateResolution();
  }

  destroy(): void {
    for (const child of this.#children) child.destroy();
  }

  static getDefaultAuthority(target: experimental.GrpcUri): string {
    return replicaAddresses(target.path)[0] ?? target.path;
  }
}
