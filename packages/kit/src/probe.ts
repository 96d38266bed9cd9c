import { readFileSync } from 'node:fs';
import {
  credentials,
  makeGenericClientConstructor,
  type ChannelCredentials,
  type ChannelOptions,
  type ServiceError,
} from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';
import { tlsTargetOptions } from './grpc-tls.ts';

/**
 * Asks a service whether it is ready: `http://host:port/readyz` expects a 2xx answer,
 * `grpc://host:port` asks the standard gRPC health service for SERVING;
 * `grpcs://host:port?ca=FILE&cert=FILE&key=FILE` asks the same over mTLS (a server that requires
 * client certificates), presenting that certificate.
 * Used by the lab runner (wait for readiness, never a fixed sleep) and by container healthchecks.
 */
export async function probe(target: string, timeoutMs = 2_000): Promise<void> {
  const url = new URL(target);
  if (url.protocol === 'grpc:') return probeGrpc(url.host, timeoutMs, credentials.createInsecure());
  if (url.protocol === 'grpcs:') return probeGrpc(url.host, timeoutMs, mtlsFrom(url), tlsTargetOptions(url.host));
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  if (!response.ok) throw new Error(`${target} answered ${response.status}: ${await response.text()}`);
}

interface HealthClient {
  Check(
    request: { service: string },
    options: { deadline: number },
    callback: (err: ServiceError | null, reply?: { status: string }) => void,
  ): void;
  close(): void;
}
const Health = makeGenericClientConstructor(healthService, 'Health') as unknown as new (
  address: string,
  creds: ChannelCredentials,
  options?: ChannelOptions,
) => HealthClient;

function mtlsFrom(url: URL): ChannelCredentials {
  const file = (name: string) => {
    const path = url.searchParams.get(name);
    if (!path) throw new Error(`${url.protocol}//${url.host}: name the ${name} file (?ca=…&cert=…&key=…)`);
    return readFileSync(path);
  };
  return credentials.createSsl(file('ca'), file('key'), file('cert'));
}

function probeGrpc(
  address: string,
  timeoutMs: number,
  creds: ChannelCredentials,
  options: ChannelOptions = {},
): Promise<void> {
  const client = new Health(address, creds, options);
  return new Promise<void>((resolve, reject) => {
    client.Check({ service: '' }, { deadline: Date.now() + timeoutMs }, (err, reply) => {
      client.close();
      if (err) reject(new Error(`grpc://${address}: ${err.details || err.message}`));
      else if (reply?.status === 'SERVING') resolve();
      else reject(new Error(`grpc://${address}: ${reply?.status ?? 'no answer'}`));
    });
  });
}

// Container healthcheck: `node probe.ts <target>` exits 0 when ready.
if (process.argv[1] === new URL(import.meta.url).pathname) {
  const target = process.argv[2];
  if (!target) {
    console.error('usage: node probe.ts http://127.0.0.1:3000/readyz | grpc://127.0.0.1:50051');
    process.exit(2);
  }
  probe(target).then(
    () => process.exit(0),
    (err: Error) => {
      console.error(err.message);
      process.exit(1);
    },
  );
}
