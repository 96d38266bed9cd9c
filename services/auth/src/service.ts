import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import type Provider from 'oidc-provider';
import { createVerifier, mtlsListenerFrom, startMtlsListener } from '@commlab/security';
import type { Closeable, Logger } from '@commlab/kit';
import type { AuthSettings } from './config.ts';
import { createApp } from './http/app.ts';
import { clientCertificateCheck, parseClientPeers } from './http/client-certificates.ts';
import { publicJwk } from './keys/key-file.ts';
import { openSigningKeys } from './keys/signing-keys.ts';
import { sharedMemoryState } from './oauth/memory-state.ts';
import { buildProvider } from './oauth/provider.ts';
import { adminResource } from './registry.ts';

export interface AuthAdapters {
  logger: Logger;
  /** The clock of the key schedule (tests move it). */
  now?: () => number;
}

/**
 * The composition root: signing keys (from their file), the oidc-provider built over them and
 * rebuilt when they change, and the HTTP app. `start` listens; `parts` close in order.
 */
export async function buildService(settings: AuthSettings, { logger, now }: AuthAdapters) {
  let provider: Provider | undefined;
  let adminKeys: JWTVerifyGetKey | undefined;
  const cookieKeys = [randomBytes(32).toString('base64url')];
  const state = sharedMemoryState();

  const keys = await openSigningKeys({
    file: settings.keysFile,
    policy: {
      publishLeadMs: settings.AUTH_KEY_PUBLISH_LEAD_S * 1000,
      tokenTtlMs: settings.AUTH_ACCESS_TOKEN_TTL_S * 1000,
      clockToleranceMs: settings.AUTH_CLOCK_TOLERANCE_S * 1000,
    },
    logger,
    onChange: () => rebuild(),
    ...(now && { now }),
  });
  const rebuild = () => {
    provider = buildProvider({
      issuer: settings.issuer,
      registry: settings.registry,
      keys,
      accessTokenTtlSeconds: settings.AUTH_ACCESS_TOKEN_TTL_S,
      cookieKeys,
      state,
      logger,
    });
    adminKeys = createLocalJWKSet({ keys: keys.published().map((k) => publicJwk(k.jwk)) });
  };
  rebuild();

  const { app, handle } = await createApp({
    provider: () => provider!,
    keys,
    users: settings.registry.users,
    // The admin API checks this server's own tokens like any resource server, minus the HTTP fetch.
    adminVerifier: createVerifier({
      issuer: settings.issuer,
      audience: adminResource,
      keys: (header, token) => adminKeys!(header, token),
      clockToleranceSeconds: settings.AUTH_CLOCK_TOLERANCE_S,
    }),
    readiness: [
      {
        name: 'signing key',
        check: async () => {
          if (!keys.describe().some((k) => k.status === 'signing')) throw new Error('no key signs now');
        },
      },
    ],
    logger,
    refuse: clientCertificateCheck(parseClientPeers(settings.AUTH_CLIENT_PEERS)),
  });
  const serviceListener = mtlsListenerFrom(settings);
  if (settings.AUTH_CLIENT_PEERS && !serviceListener) {
    throw new Error('AUTH_CLIENT_PEERS needs MTLS_PORT: its clients get tokens only over mTLS');
  }
  let mtls: { port: number; close(): Promise<void> } | undefined;

  const parts: Closeable[] = [
    { name: 'mTLS listener', close: async () => mtls?.close() },
    { name: 'HTTP server', close: () => app.close() },
    { name: 'key schedule', close: () => keys.close() },
  ];
  return {
    app,
    keys,
    parts,
    /** Listens; resolves to the base URL. */
    async start(): Promise<string> {
      // Lab 09: the same endpoints for the services, over mTLS only, listening before the
      // reader's port answers ready.
      await app.ready();
      mtls = await startMtlsListener(serviceListener, settings.HOST, handle);
      await app.listen({ host: settings.HOST, port: settings.PORT });
      const { port } = app.server.address() as AddressInfo;
      logger.info(
        { issuer: settings.issuer, jwks: `${settings.issuer}/jwks`, ...(mtls && { mtlsPort: mtls.port }) },
        `authorization server on port ${port}`,
      );
      return `http://${settings.HOST}:${port}`;
    },
  };
}
