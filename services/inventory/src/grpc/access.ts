import type { ServerCredentials, ServerInterceptor } from '@grpc/grpc-js';
import { tlsFilesFrom, verifierFrom, type TlsSettings, type TokenCheckSettings } from '@commlab/security';
import { bearerInterceptor, mtlsServerCredentials, peerIdentityInterceptor } from '@commlab/security/grpc';

const method = (name: string) => `/commlab.inventory.v1.InventoryService/${name}`;

/** The scope each RPC needs: part of inventory's contract, so it lives in code, not in settings. */
export const rpcScopes: Record<string, readonly string[]> = {
  [method('GetStock')]: ['inventory:read'],
  [method('WatchStock')]: ['inventory:read'],
  [method('Reserve')]: ['inventory:reserve'],
  [method('Release')]: ['inventory:reserve'],
  [method('ReserveSession')]: ['inventory:reserve'],
  [method('AdjustStock')]: ['inventory:adjust'],
};

export interface AccessSettings extends TokenCheckSettings, TlsSettings {
  GRPC_PEERS?: string | undefined;
}

/**
 * Who may call inventory's gRPC server, from the settings: mTLS credentials (TLS_*), the
 * peer identities each RPC accepts (GRPC_PEERS) and an access token with the RPC's scope
 * (AUTH_ISSUER). Each part is off when its settings are absent, as in the labs before 09.
 */
export function grpcAccess(config: AccessSettings): {
  credentials?: ServerCredentials;
  interceptors: ServerInterceptor[];
} {
  const tls = tlsFilesFrom(config);
  const verifier = verifierFrom(config);
  if (config.GRPC_PEERS && !tls)
    throw new Error('GRPC_PEERS needs mTLS: set TLS_CA_FILE, TLS_CERT_FILE and TLS_KEY_FILE');
  const interceptors: ServerInterceptor[] = [];
  if (tls && config.GRPC_PEERS) interceptors.push(peerIdentityInterceptor({ allow: peersByMethod(config.GRPC_PEERS) }));
  if (verifier) interceptors.push(bearerInterceptor(verifier, { realm: 'inventory', scopes: rpcScopes }));
  return { ...(tls && { credentials: mtlsServerCredentials(tls) }), interceptors };
}

/** `Reserve=spiffe://commlab/order,Release=spiffe://commlab/order` → full method path → SPIFFE IDs. */
export function peersByMethod(setting: string): Record<string, string[]> {
  const allow: Record<string, string[]> = {};
  for (const entry of setting.split(',')) {
    const [name, id] = entry.split('=') as [string, string];
    (allow[method(name)] ??= []).push(id);
  }
  return allow;
}
