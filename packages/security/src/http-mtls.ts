import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { Agent, fetch as undiciFetch } from 'undici';
import { spiffeIdOf, type TlsFiles } from './grpc-mtls.ts';

interface Pem {
  ca: Buffer;
  cert: Buffer;
  key: Buffer;
}

const read = ({ ca, cert, key }: TlsFiles): Pem => ({
  ca: readFileSync(ca),
  cert: readFileSync(cert),
  key: readFileSync(key),
});

/**
 * The three files, read now and again whenever one of them changes (polled, so a file renamed
 * into place by `certs.sh issue` counts). A read that fails keeps what was read before: the
 * service goes on with its current certificate rather than with none.
 */
function watchTls(files: TlsFiles, onChange: (pem: Pem) => void): { current: Pem; close(): void } {
  const state = { current: read(files), close: () => {} };
  const paths = [...new Set([files.ca, files.cert, files.key])];
  const changed = () => {
    try {
      state.current = read(files);
    } catch {
      return;
    }
    onChange(state.current);
  };
  for (const path of paths) watchFile(path, { interval: files.refreshMs ?? 2_000, persistent: false }, changed);
  state.close = () => paths.forEach((path) => unwatchFile(path, changed));
  return state;
}

/** The SPIFFE ID of the client certificate this request came with, if any. */
export function peerIdentity(request: IncomingMessage): string | undefined {
  const socket = request.socket as Partial<TLSSocket>;
  return spiffeIdOf(socket.getPeerCertificate?.().subjectaltname);
}

/** Why a request on the service listener is refused: what the handler never sees. */
export interface Refusal {
  status: number;
  /** A JSON body (an RFC 9457 problem, or an OAuth error on an OAuth endpoint). */
  body: object;
  contentType?: string;
}

export interface MtlsListenerOptions {
  /** SPIFFE IDs that may call at all; unset: any certificate of the trusted CA. */
  peers?: readonly string[] | undefined;
  /** A further check by path and peer (e.g. auth's token endpoint: the client must be the peer). */
  authorize?: (request: IncomingMessage, peer: string | undefined) => Refusal | undefined;
}

export function refuse(response: ServerResponse, { status, body, contentType }: Refusal): void {
  response.writeHead(status, { 'content-type': contentType ?? 'application/problem+json' });
  response.end(JSON.stringify(body));
}

/**
 * An HTTPS server for other services only: the handshake requires a client certificate from the
 * CA (none, or another CA's, and there is no connection; plain HTTP gets no answer), then the
 * peer's SPIFFE ID must be one allowed. Node's TLS does the handshake; a rotated certificate or
 * CA applies to new connections (setSecureContext), open ones finish with theirs.
 */
export function mtlsHttpServer(
  files: TlsFiles,
  handler: RequestListener,
  options: MtlsListenerOptions = {},
): Server & { stopWatching(): void } {
  const guarded: RequestListener = (request, response) => {
    const peer = peerIdentity(request);
    if (options.peers && !(peer && options.peers.includes(peer))) {
      return refuse(response, {
        status: 403,
        body: {
          type: '/problems/peer-not-allowed',
          title: 'This peer may not call this service',
          status: 403,
          detail: `${peer ?? 'a certificate without a SPIFFE ID'} is not one of ${options.peers.join(', ')}`,
        },
      });
    }
    const refusal = options.authorize?.(request, peer);
    if (refusal) return refuse(response, refusal);
    return handler(request, response);
  };
  const tls = watchTls(files, (pem) => server.setSecureContext(pem));
  const server = createServer({ ...tls.current, requestCert: true, rejectUnauthorized: true }, guarded);
  return Object.assign(server, { stopWatching: () => tls.close() });
}

/**
 * The service listener a service's settings ask for (MTLS_PORT, see mtlsListenerFrom), started
 * beside its reader's port with the same handler; what to close on shutdown, or none.
 */
export async function startMtlsListener(
  listener: { port: number; files: TlsFiles; peers: string[] | undefined } | undefined,
  host: string,
  handler: RequestListener,
  authorize?: MtlsListenerOptions['authorize'],
): Promise<{ port: number; close(): Promise<void> } | undefined> {
  if (!listener) return undefined;
  const server = mtlsHttpServer(listener.files, handler, { peers: listener.peers, authorize });
  await listen(server, host, listener.port);
  return { port: (server.address() as { port: number }).port, close: () => closeServer(server) };
}

/** Listens, and resolves once it does (or rejects with why it cannot). */
export function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

/** Stops taking connections, lets requests in flight finish, then closes the kept-alive ones. */
export function closeServer(server: Server & { stopWatching?: () => void }): Promise<void> {
  server.stopWatching?.();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeIdleConnections();
  });
}

/**
 * fetch that presents this service's certificate and trusts only the lab CA (undici's Agent: Node's
 * own fetch underneath). On a rotation the next requests go through a new agent with the new
 * files; the old one closes once its requests in flight have their answers, so none is dropped.
 */
export function mtlsFetch(files: TlsFiles): typeof fetch & { close(): Promise<void> } {
  const agentFor = (pem: Pem) => new Agent({ connect: { ...pem } });
  const tls = watchTls(files, (pem) => {
    const old = agent;
    agent = agentFor(pem);
    void old.close();
  });
  let agent = agentFor(tls.current);
  const fetchWith = ((input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as never, { ...(init as object), dispatcher: agent })) as unknown as typeof fetch;
  return Object.assign(fetchWith, {
    close: async () => {
      tls.close();
      await agent.close();
    },
  });
}

// One agent per set of files in a process: a service's token client and verifier share it.
const shared = new Map<string, typeof fetch>();

/** The mTLS fetch for these files, made once per process. */
export function sharedMtlsFetch(files: TlsFiles): typeof fetch {
  const key = `${files.ca}\n${files.cert}\n${files.key}`;
  let made = shared.get(key);
  if (!made) shared.set(key, (made = mtlsFetch(files)));
  return made;
}
