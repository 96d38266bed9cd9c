import { credentials, Metadata, status, type CallCredentials, type ServerInterceptor } from '@grpc/grpc-js';
import { AuthError } from './auth-error.ts';
import { metadataGate, probes, type GateDecision } from './grpc-gate.ts';
import type { TokenClient } from './token-client.ts';
import type { TokenVerifier } from './verifier.ts';

export interface GrpcBearerOptions {
  /** Scopes each method needs, by full path (`/commlab.inventory.v1.InventoryService/Reserve`). */
  scopes: Readonly<Record<string, readonly string[]>>;
  realm: string;
  /** Methods any caller may use. Default: the health service and server reflection. */
  open?: (path: string) => boolean;
}

const codes: Record<AuthError['status'], status> = {
  400: status.UNAUTHENTICATED,
  401: status.UNAUTHENTICATED,
  403: status.PERMISSION_DENIED,
  503: status.UNAVAILABLE,
};

/**
 * The verifier as a gRPC server interceptor: every call must carry `authorization: Bearer …`
 * metadata with a valid token and the method's scopes. A method not listed in `scopes` is
 * refused (deny by default), so a new RPC cannot go out unguarded by omission.
 */
export function bearerInterceptor(verifier: TokenVerifier, options: GrpcBearerOptions): ServerInterceptor {
  const refusal = (err: AuthError): GateDecision => {
    const trailers = new Metadata();
    const challenge = err.challenge(options.realm);
    if (challenge) trailers.set('www-authenticate', challenge);
    return { code: codes[err.status], details: err.message, metadata: trailers };
  };
  return metadataGate(options.open ?? probes, async (path, metadata) => {
    const needed = options.scopes[path];
    if (!needed) return refusal(new AuthError('scope', `${path} is not open to any scope`));
    const authorization = metadata.get('authorization').map(String);
    try {
      await verifier.authenticate(authorization.length > 0 ? authorization : undefined, needed);
      return undefined;
    } catch (err) {
      return refusal(
        err instanceof AuthError ? err : new AuthError('malformed', 'the token cannot be read', { cause: err }),
      );
    }
  });
}

/**
 * Call credentials that put the client's current access token on every call. grpc-js sends
 * call credentials only over TLS channels, so a token never travels in plain text by mistake.
 */
export function bearerCallCredentials(tokens: TokenClient): CallCredentials {
  return credentials.createFromMetadataGenerator((_params, callback) => {
    tokens.token().then(
      (token) => {
        const metadata = new Metadata();
        metadata.set('authorization', `Bearer ${token}`);
        callback(null, metadata);
      },
      (err: Error) => callback(err),
    );
  });
}
export * from './grpc-mtls.ts';
