import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  credentials,
  makeGenericClientConstructor,
  Metadata,
  Server,
  ServerCredentials,
  status,
  type Client,
  type ServiceDefinition,
  type ServiceError,
} from '@grpc/grpc-js';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createVerifier } from '../src/index.ts';
import { bearerCallCredentials, bearerInterceptor } from '../src/grpc.ts';

const json = {
  requestStream: false,
  responseStream: false,
  requestSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  requestDeserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
  responseSerialize: (v: unknown) => Buffer.from(JSON.stringify(v)),
  responseDeserialize: (b: Buffer) => JSON.parse(b.toString()) as unknown,
};
// A small stock service with JSON messages, so the test needs no .proto.
const stock: ServiceDefinition = {
  Reserve: { path: '/test.Stock/Reserve', ...json },
  Adjust: { path: '/test.Stock/Adjust', ...json },
  Forgotten: { path: '/test.Stock/Forgotten', ...json },
};
const StockClient = makeGenericClientConstructor(stock, 'Stock');
type Call = (request: object, metadata: Metadata, done: (err: ServiceError | null, reply?: unknown) => void) => void;

const issuer = 'https://issuer.test';
let keys: Awaited<ReturnType<typeof generateKeyPair>>;
const tokenWith = (scope: string, aud = 'urn:test:stock') =>
  new SignJWT({ client_id: 'order', scope })
    .setProtectedHeader({ alg: 'RS256', typ: 'at+jwt', kid: 'k1' })
    .setIssuer(issuer)
    .setAudience(aud)
    .setSubject('order')
    .setJti(crypto.randomUUID())
    .setIssuedAt()
    .setExpirationTime('5m')
    .sign(keys.privateKey);

describe('the gRPC bearer interceptor', () => {
  let server: Server;
  let client: Client & Record<string, Call>;
  const handled: string[] = [];
  const handler = (name: string) => (_call: unknown, done: (err: null, reply: object) => void) => {
    handled.push(name);
    done(null, { ok: name });
  };

  beforeAll(async () => {
    keys = await generateKeyPair('RS256');
    const verifier = createVerifier({
      issuer,
      audience: 'urn:test:stock',
      keys: { keys: [{ ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'RS256' }] },
    });
    server = new Server({
      interceptors: [
        bearerInterceptor(verifier, {
          realm: 'stock',
          scopes: { '/test.Stock/Reserve': ['inventory:reserve'], '/test.Stock/Adjust': ['inventory:adjust'] },
        }),
      ],
    });
    server.addService(stock, {
      Reserve: handler('Reserve'),
      Adjust: handler('Adjust'),
      Forgotten: handler('Forgotten'),
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    client = new StockClient(`127.0.0.1:${port}`, credentials.createInsecure()) as never;
  });
  afterAll(() => {
    client?.close();
    server?.forceShutdown();
  });

  const call = async (method: string, token?: string) => {
    const metadata = new Metadata();
    if (token) metadata.set('authorization', `Bearer ${token}`);
    const before = handled.length;
    const outcome = await new Promise<{ code: status; details?: string; challenge?: unknown }>((resolve) =>
      client[method]!({}, metadata, (err) =>
        resolve(
          err
            ? { code: err.code, details: err.details, challenge: err.metadata.get('www-authenticate')[0] }
            : { code: status.OK },
        ),
      ),
    );
    return { ...outcome, handled: handled.length - before };
  };

  it('lets a call with a valid token and the method’s scope through', async () => {
    expect(await call('Reserve', await tokenWith('inventory:reserve'))).toMatchObject({ code: status.OK, handled: 1 });
  });

  it('answers UNAUTHENTICATED without a token or with a bad one, PERMISSION_DENIED without the scope; the handler never runs', async () => {
    expect(await call('Reserve')).toMatchObject({
      code: status.UNAUTHENTICATED,
      handled: 0,
      challenge: 'Bearer realm="stock"',
    });
    expect(await call('Reserve', await tokenWith('inventory:reserve', 'urn:test:other'))).toMatchObject({
      code: status.UNAUTHENTICATED,
      handled: 0,
      challenge: expect.stringContaining('error="invalid_token"'),
    });
    expect(await call('Adjust', await tokenWith('inventory:reserve'))).toMatchObject({
      code: status.PERMISSION_DENIED,
      handled: 0,
      challenge: expect.stringContaining('scope="inventory:adjust"'),
    });
  });

  it('refuses a method no scope was listed for, whatever the token (deny by default)', async () => {
    expect(await call('Forgotten', await tokenWith('inventory:reserve inventory:adjust'))).toMatchObject({
      code: status.PERMISSION_DENIED,
      handled: 0,
    });
  });
});

describe('bearer call credentials', () => {
  it('put the current token on every call over TLS', async () => {
    // A throwaway server certificate for 127.0.0.1, made by openssl for this test.
    const dir = mkdtempSync(join(tmpdir(), 'commlab-grpc-tls-'));
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        'key.pem',
        '-out',
        'cert.pem',
      ],
      { cwd: dir, stdio: 'pipe' },
    );
    const cert = readFileSync(join(dir, 'cert.pem'));
    const seen: string[] = [];
    const server = new Server();
    server.addService(stock, {
      Reserve: (call: { metadata: Metadata }, done: (err: null, reply: object) => void) => {
        seen.push(String(call.metadata.get('authorization')[0]));
        done(null, {});
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(
        '127.0.0.1:0',
        ServerCredentials.createSsl(null, [{ private_key: readFileSync(join(dir, 'key.pem')), cert_chain: cert }]),
        (err, p) => (err ? reject(err) : resolve(p)),
      ),
    );
    let issued = 0;
    const tokens = { token: async () => `token-${++issued}`, invalidate: () => {} };
    const client = new StockClient(
      `127.0.0.1:${port}`,
      credentials.combineChannelCredentials(credentials.createSsl(cert), bearerCallCredentials(tokens)),
      { 'grpc.ssl_target_name_override': 'localhost', 'grpc.default_authority': 'localhost' },
    ) as unknown as Client & Record<string, Call>;
    for (let i = 0; i < 2; i++) {
      await new Promise((resolve, reject) =>
        client.Reserve!({}, new Metadata(), (err) => (err ? reject(err) : resolve(undefined))),
      );
    }
    client.close();
    server.forceShutdown();
    expect(seen).toEqual(['Bearer token-1', 'Bearer token-2']);
  });
});
