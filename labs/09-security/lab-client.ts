import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import WebSocket from 'ws';
import { credentials, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { loadInventoryProto, type InventoryServiceClient } from '@commlab/contracts';
import type { LabUnderTest } from '@commlab/lab/testing';

export interface Order {
  id: string;
  customerId: string;
  status: string;
  lines: { sku: string; quantity: number }[];
}

const repoRoot = new URL('../../', import.meta.url).pathname;
/** The lab PKI that the lab issues when it starts (infra/certs). */
export const certsDir = join(repoRoot, '.run/certs');
export const certsScript = join(repoRoot, 'infra/certs/certs.sh');

/** What the lab's tests do to the running lab: get tokens, call the orders API, call inventory. */
export function labClient(lab: LabUnderTest) {
  const auth = lab.url('auth');
  const issuer = lab.resolve('http://127.0.0.1:${auth.port}');
  const order = lab.url('order');
  /** The listeners for other services (mTLS only): auth's and order's `mtls` extra ports. */
  const serviceUrl = (service: 'auth' | 'order') => `https://${lab.resolve(`\${${service}.mtls.addr}`)}`;
  // The clients whose secret counts only with their certificate (AUTH_CLIENT_PEERS in lab.ts).
  const certificateOf: Record<string, string> = { order: 'order', 'lab-console': 'console' };
  // Each sign-in is a process walking the login flow (seconds on a busy machine); a token is
  // used again until half a minute before it expires.
  const userTokens = new Map<string, { token: string; until: number }>();

  const client = {
    issuer,
    serviceUrl,
    /**
     * A client-credentials token (a service's): order's and the console's only over mTLS with
     * their own certificate on auth's service port, as the services ask; the others on the
     * reader's port.
     */
    serviceToken: async (clientId: string, secret: string, resource: string, scope: string) => {
      const certificate = certificateOf[clientId];
      const post = certificate
        ? (url: string, init: RequestInit) => httpsAs(certificate)(url, init)
        : fetchAgainIfClosed;
      const response = await post(certificate ? `${serviceUrl('auth')}/token` : `${auth}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }),
      });
      const body = (await response.json()) as { access_token?: string; error?: string };
      if (!body.access_token) throw new Error(`token refused: ${JSON.stringify(body)}`);
      return body.access_token;
    },
    /** A lab customer's token, by the authorization code flow with PKCE (the auth service's CLI). */
    userToken: (user: string, scope = 'orders:read orders:write', resource = 'urn:commlab:order') => {
      const key = `${user} ${scope} ${resource}`;
      const cached = userTokens.get(key);
      if (cached && cached.until > Date.now()) return cached.token;
      const token = execFileSync(
        process.execPath,
        [
          'services/auth/src/cli/user-token.ts',
          '--issuer',
          issuer,
          '--url',
          auth,
          '--user',
          user,
          '--resource',
          resource,
          '--scope',
          scope,
        ],
        { cwd: repoRoot, encoding: 'utf8' },
      ).trim();
      const { exp } = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as { exp: number };
      userTokens.set(key, { token, until: exp * 1000 - 30_000 });
      return token;
    },

    call: async (method: 'GET' | 'POST', path: string, token?: string, body?: object) => {
      const headers: Record<string, string> = {};
      if (token !== undefined) headers.authorization = `Bearer ${token}`;
      if (body) headers['content-type'] = 'application/json';
      const response = await fetch(`${order}${path}`, { method, headers, ...(body && { body: JSON.stringify(body) }) });
      const text = await response.text();
      return {
        status: response.status,
        challenge: response.headers.get('www-authenticate'),
        body: (text ? JSON.parse(text) : undefined) as
          (Order & { type?: string; detail?: string; items?: Order[] }) | undefined,
      };
    },
    place: (token: string | undefined, customerId: string, lines: Order['lines']) =>
      client.call('POST', '/orders', token, { customerId, lines }),

    /**
     * A push connection to the notification service with this token (as a browser sends it:
     * the `bearer.<token>` subprotocol): whether the upgrade was accepted or the HTTP status it
     * was refused with, then how the connection closed.
     */
    push: (token: string) => {
      const socket = new WebSocket(`ws://${lab.addr('notification')}/ws`, ['commlab.push.v1', `bearer.${token}`]);
      const messages: { type: string }[] = [];
      socket.on('message', (data) => messages.push(JSON.parse(String(data)) as { type: string }));
      const upgraded = new Promise<{ status: number }>((resolve) => {
        socket.once('open', () => resolve({ status: 101 }));
        socket.once('unexpected-response', (_request, response) => resolve({ status: response.statusCode ?? 0 }));
        socket.once('error', () => resolve({ status: 0 }));
      });
      const closed = new Promise<{ code: number; reason: string }>((resolve) =>
        socket.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
      );
      return { socket, messages, upgraded, closed };
    },

    /** Inventory over gRPC with the given channel credentials (mTLS as some service, or none). */
    inventory: (channel: ChannelCredentials = credentials.createInsecure()): InventoryServiceClient => {
      const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
      // The lab listens on 127.0.0.1; over TLS, ask for localhost (a name its certificates carry)
      // rather than have grpc-js send the IP as the server name (Node's DEP0123 warning).
      return new InventoryService(lab.addr('inventory'), channel, { 'grpc.ssl_target_name_override': 'localhost' });
    },
  };
  return client;
}

export type LabClient = ReturnType<typeof labClient>;

/**
 * fetch, tried a second time when the connection closed before any answer: a kept-alive
 * connection the server closed as the request went out (a race a busy machine widens).
 */
async function fetchAgainIfClosed(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (err) {
    if (!(err instanceof TypeError)) throw err;
    return fetch(url, init);
  }
}

/**
 * fetch over HTTPS presenting a certificate of the lab PKI (`httpsAs('console')`,
 * `httpsAs('order', 'foreign')`), or none (`httpsAs(undefined)`), trusting the lab CA. Each call
 * reads the files and connects anew, so a rotated certificate is the one presented.
 */
export function httpsAs(name: string | undefined, folder = '') {
  return async (url: string, init: RequestInit = {}): Promise<Response> => {
    const file = (f: string) => readFileSync(join(certsDir, f));
    const pem = name === undefined ? undefined : file(join(folder, `${name}.pem`));
    const agent = new Agent({ connect: { ca: file('ca.crt'), ...(pem && { cert: pem, key: pem }) } });
    try {
      const response = await undiciFetch(url, { ...(init as UndiciRequestInit), dispatcher: agent });
      // Read whole before the agent closes: the caller gets an answer that needs no connection.
      const body = await response.arrayBuffer();
      const empty = response.status === 204 || response.status === 304;
      return new Response(empty ? null : body, {
        status: response.status,
        headers: new Headers([...response.headers]),
      });
    } finally {
      await agent.close();
    }
  };
}

/** mTLS channel credentials from certificate files: `tlsAs('order')`, `tlsAs('order', 'expired')`. */
export function tlsAs(name: string, folder = ''): ChannelCredentials {
  const file = (f: string) => readFileSync(join(certsDir, f));
  // The .pem holds both, and is swapped in whole when a certificate rotates (mid-test, too).
  const pem = file(join(folder, `${name}.pem`));
  return credentials.createSsl(file('ca.crt'), pem, pem);
}

/** One unary call's outcome: OK with the reply, or the status code and details. */
export function unary<Req>(
  call: (
    request: Req,
    metadata: Metadata,
    options: { deadline: Date },
    done: (err: ServiceError | null, reply?: unknown) => void,
  ) => unknown,
  request: Req,
  token?: string,
): Promise<{ code: number; details?: string; reply?: unknown }> {
  const metadata = new Metadata();
  if (token) metadata.set('authorization', `Bearer ${token}`);
  return new Promise((resolve) =>
    call(request, metadata, { deadline: new Date(Date.now() + 5_000) }, (err, reply) =>
      resolve(err ? { code: err.code, details: err.details } : { code: 0, reply }),
    ),
  );
}

/** The current stock of a SKU, asked as order (mTLS) with a token that may read it. */
export async function stockOf(client: LabClient, sku: string): Promise<number> {
  const token = await client.serviceToken('order', 'order-lab-secret', 'urn:commlab:inventory', 'inventory:read');
  const inventory = client.inventory(tlsAs('order'));
  try {
    const outcome = await unary(inventory.GetStock.bind(inventory) as never, { skus: [sku] }, token);
    if (outcome.code !== 0) throw new Error(`GetStock ${sku}: ${outcome.code} ${outcome.details}`);
    return (outcome.reply as { items: { available: number }[] }).items[0]!.available;
  } finally {
    inventory.close();
  }
}
