import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mtlsFetch, peerIdentity, startMtlsListener } from '../src/http-mtls.ts';

// The lab PKI's shape, made by the committed script in a folder of this test's own.
const dir = mkdtempSync(join(tmpdir(), 'commlab-http-mtls-'));
const certs = (...args: string[]) =>
  execFileSync(new URL('../../../infra/certs/certs.sh', import.meta.url).pathname, args, {
    env: { ...process.env, CERTS_DIR: dir },
    stdio: 'pipe',
  });
const files = (name: string, folder = '') => ({
  ca: join(dir, 'ca.crt'),
  cert: join(dir, folder, `${name}.pem`),
  key: join(dir, folder, `${name}.pem`),
  refreshMs: 100,
});
const serialOf = (name: string) => new X509Certificate(readFileSync(join(dir, `${name}.crt`))).serialNumber;

describe('service-to-service HTTP over mTLS', () => {
  let listener: { port: number; close(): Promise<void> };
  const clients: ReturnType<typeof mtlsFetch>[] = [];
  const as = (name: string, folder = '') => {
    const client = mtlsFetch(files(name, folder));
    clients.push(client);
    return client;
  };
  const url = () => `https://127.0.0.1:${listener.port}/hello`;
  /** What the handler saw of each request it ran: the peer and its certificate's serial. */
  const seen: { peer: string | undefined; serial: string }[] = [];

  beforeAll(async () => {
    certs('issue', 'order', 'console', 'notification');
    certs('foreign', 'console');
    listener = (await startMtlsListener(
      { port: 0, files: files('order'), peers: ['spiffe://commlab/console'] },
      '127.0.0.1',
      (request, response) => {
        const serial = (request.socket as TLSSocket).getPeerCertificate().serialNumber;
        seen.push({ peer: peerIdentity(request), serial });
        response.end('hello');
      },
    ))!;
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await listener?.close();
  });

  it('answers the allowed peer, knowing who it is', async () => {
    const response = await as('console')(url());
    expect(await response.text()).toBe('hello');
    expect(seen.at(-1)).toEqual({ peer: 'spiffe://commlab/console', serial: serialOf('console') });
  });

  it('refuses another identity with 403 before the handler, and no, foreign or plain-text clients in the handshake', async () => {
    const handled = seen.length;
    const wrong = await as('notification')(url());
    expect(wrong.status).toBe(403);
    expect(await wrong.json()).toMatchObject({
      type: '/problems/peer-not-allowed',
      detail: 'spiffe://commlab/notification is not one of spiffe://commlab/console',
    });
    await expect(fetch(url())).rejects.toThrow(); // TLS without a client certificate
    await expect(as('console', 'foreign')(url())).rejects.toThrow();
    await expect(fetch(url().replace('https:', 'http:'))).rejects.toThrow();
    expect(seen).toHaveLength(handled);
  });

  it('rotates both certificates under a steady stream of requests without failing one', async () => {
    const client = as('console');
    const outcomes: (number | string)[] = [];
    let streaming = true;
    const stream = (async () => {
      while (streaming) {
        outcomes.push(
          await client(url()).then(
            async (r) => (await r.text(), r.status),
            (err: Error) => String(err.cause ?? err),
          ),
        );
      }
    })();
    const until = async (done: () => boolean) => {
      for (const end = Date.now() + 10_000; !done();) {
        if (Date.now() > end) throw new Error('not within 10 s');
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await until(() => outcomes.length >= 20);
    const before = { client: serialOf('console'), server: serialOf('order') };
    certs('issue', 'console', 'order');
    expect(serialOf('console')).not.toBe(before.client);
    // The client presents its new certificate; the server's new one it meets on a new connection.
    await until(() => seen.at(-1)?.serial === serialOf('console'));
    const count = outcomes.length;
    await until(() => outcomes.length >= count + 20);
    streaming = false;
    await stream;
    expect(outcomes.filter((o) => o !== 200)).toEqual([]);

    const served = await new Promise<string>((resolve, reject) => {
      const pem = readFileSync(join(dir, 'console.pem'));
      const ca = readFileSync(join(dir, 'ca.crt'));
      const socket = connect({
        host: '127.0.0.1',
        port: listener.port,
        ca,
        cert: pem,
        key: pem,
        servername: 'localhost',
      });
      socket.once('secureConnect', () => {
        resolve(socket.getPeerCertificate().serialNumber);
        socket.destroy();
      });
      socket.once('error', reject);
    });
    expect(served).toBe(serialOf('order'));
    expect(served).not.toBe(before.server);
  });
});
