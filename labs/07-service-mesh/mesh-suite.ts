import { readFileSync } from 'node:fs';
import { connect as http2Connect } from 'node:http2';
import { connect as tcpConnect } from 'node:net';
import { join } from 'node:path';
import { credentials, status, type ServiceError } from '@grpc/grpc-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { stockLevelOf } from '@commlab/contracts';
import { labForThisFile } from '@commlab/lab/testing';
import type { ExperimentContext } from '@commlab/bench';
import { runtimeApi, serverStats, setFault, setWeights, type SidecarFault } from '@commlab/mesh';
import { experiments } from './bench.ts';
import { callThrough, inventoryClient, servedBy } from './calls.ts';
import { certs, issueBadCertificates, issueLabCertificates } from './certificates.ts';

const read = (file: string) => readFileSync(join(certs, file));

/** An HTTP/2 request over TLS to an inbound port: its status, or the error that ended it. */
function h2Get(addr: string, tls: { cert?: string; key?: string }): Promise<number | string> {
  return new Promise((resolve) => {
    const session = http2Connect(`https://${addr}`, {
      ca: read('ca.crt'),
      servername: 'inventory',
      ...(tls.cert && { cert: read(tls.cert), key: read(tls.key!) }),
    });
    session.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    const request = session.request({ ':path': '/commlab.inventory.v1.InventoryService/GetStock', ':method': 'POST' });
    request.on('response', (headers) => {
      resolve(Number(headers[':status']));
      session.close();
    });
    request.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
    request.end();
  });
}

/**
 * The sidecar picks each request's version at random by weight (balance random(1)), so over n
 * requests v2's count is Binomial(n, p). The test accepts p·n ± 4·√(n·p·(1−p)): a correct split
 * falls outside with probability about 6·10⁻⁵.
 */
function bound(n: number, p: number): [number, number] {
  const spread = 4 * Math.sqrt(n * p * (1 - p));
  return [Math.floor(n * p - spread), Math.ceil(n * p + spread)];
}

/**
 * The lab's behaviour: the canary split, a version taken out and back, the mTLS refusals. Run from guide.test.ts after the
 * guide's steps, so that the file's two labs (the guide's and this one) start one after the
 * other: seven processes each, which two at once on a busy two-core machine start too slowly.
 */
export function meshSuite(): void {
  describe('lab 07-service-mesh', () => {
    beforeAll(() => {
      issueLabCertificates();
      issueBadCertificates();
    });
    const lab = labForThisFile('07-service-mesh');
    const admin = () => lab.resolve('${order-sidecar.admin.addr}');
    const outbound = () => lab.resolve('${order-sidecar.inventory.addr}');

    describe('a canary split of inventory, changed live', () => {
      it("order's checkout reaches inventory through both sidecars (order's and inventory's), over mTLS", async () => {
        const before = await servedBy(admin(), 'inventory');
        const placed = await fetch(`${lab.url('order')}/orders`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ customerId: 'reader-mesh', lines: [{ sku: 'WC-005', quantity: 1 }] }),
        });
        expect(placed.status).toBe(201);
        const after = await servedBy(admin(), 'inventory');
        const served = (after.v1 ?? 0) + (after.v2 ?? 0) - (before.v1 ?? 0) - (before.v2 ?? 0);
        expect(served).toBeGreaterThan(0);
      });

      it('splits 1,000 calls 90/10, then 50/50, then 0/100 within the binomial bound, with weights changed through the runtime API while calls run and none failing', async () => {
        const pidBefore = (await runtimeApi(admin(), 'show info')).match(/^Pid: (\d+)/m)?.[1];
        const client = inventoryClient(outbound());
        let failed = 0;
        let calls = 0;
        // A client that never stops calling, across every change.
        let running = true;
        const background = (async () => {
          while (running) {
            calls += 1;
            await stockLevelOf(client, 'KB-001').catch(() => (failed += 1));
          }
        })();
        const window = async (n: number) => {
          const before = await servedBy(admin(), 'inventory');
          let next = 0;
          await Promise.all(
            Array.from({ length: 8 }, async () => {
              while (next < n) {
                next += 1;
                calls += 1;
                await stockLevelOf(client, 'WC-005').catch(() => (failed += 1));
              }
            }),
          );
          const after = await servedBy(admin(), 'inventory');
          const v1 = after.v1! - before.v1!;
          const v2 = after.v2! - before.v2!;
          return { v1, v2, n: v1 + v2 };
        };

        try {
          const steps: [number, number][] = [
            [90, 10],
            [50, 50],
            [0, 100],
          ];
          for (const [w1, w2] of steps) {
            await setWeights(admin(), 'inventory', { v1: w1, v2: w2 });
            const { v2, n } = await window(1000);
            expect(n).toBeGreaterThanOrEqual(1000);
            const [low, high] = bound(n, w2 / (w1 + w2));
            expect(v2, `v2 served ${v2} of ${n} at ${w1}/${w2}`).toBeGreaterThanOrEqual(low);
            expect(v2, `v2 served ${v2} of ${n} at ${w1}/${w2}`).toBeLessThanOrEqual(high);
          }
        } finally {
          running = false;
          await background;
          client.close();
          await setWeights(admin(), 'inventory', { v1: 90, v2: 10 });
        }
        expect(failed, `${failed} of ${calls} calls failed`).toBe(0);
        expect(calls).toBeGreaterThan(3000);
        // Same HAProxy process all along: changed live, not by a restart or reload.
        expect((await runtimeApi(admin(), 'show info')).match(/^Pid: (\d+)/m)?.[1]).toBe(pidBefore);
      }, 120_000);
    });

    describe('a version that goes away', () => {
      const statusOf = async (version: string) =>
        (await serverStats(admin())).find((row) => row.backend === 'inventory' && row.server === version)?.status;

      it('is taken out of the split once its health checks fail, gets no call while out, and gets calls again once back', async () => {
        await lab.stopService('inventory-v2');
        await expect.poll(() => statusOf('v2'), { timeout: 20_000, interval: 250 }).toBe('DOWN');
        const whileOut = await callThrough(outbound(), admin(), { calls: 200 });
        expect(whileOut).toMatchObject({ failed: 0, perVersion: { v1: 200, v2: 0 } });

        await lab.startService('inventory-v2');
        await expect.poll(() => statusOf('v2'), { timeout: 30_000, interval: 250 }).toBe('UP');
        // At 90/10, v2 misses all of 200 calls with probability 0.9^200 ≈ 7·10⁻¹⁰.
        const back = await callThrough(outbound(), admin(), { calls: 200 });
        expect(back.failed).toBe(0);
        expect(back.perVersion.v2).toBeGreaterThan(0);
      }, 120_000);
    });

    describe("a version that fails or hangs: order's sidecar retries its calls elsewhere and ejects it", () => {
      const v2Admin = () => lab.resolve('${inventory-v2-sidecar.admin.addr}');
      /** v2 in the split (tries, retries) and in its own proxy (failed answers, ejections). */
      const v2 = async () => {
        const rows = await serverStats(admin());
        const of = (backend: string) => rows.find((row) => row.backend === backend && row.server === 'v2')!;
        return { split: of('inventory'), own: of('inventory_v2') };
      };

      /**
       * At 50/50 with v2's sidecar failing every request: 200 calls, counted. Each try of v2 is
       * retried on v1 (a redispatch avoids the version that just failed), so no call fails;
       * v2's proxy sees each failure (10 in a row eject it), so v2 gets far fewer than its half.
       */
      const breakV2 = async (fault: SidecarFault) => {
        await setWeights(admin(), 'inventory', { v1: 50, v2: 50 });
        await expect.poll(async () => (await v2()).split.status, { timeout: 30_000, interval: 250 }).toBe('UP');
        const before = await v2();
        await setFault(v2Admin(), fault);
        const report = await callThrough(outbound(), admin(), { calls: 200 });
        const after = await v2();
        const tries = after.split.total - before.split.total;
        return {
          report,
          tries,
          retried: after.split.retries - before.split.retries,
          failedAnswers: after.own.errors - before.own.errors,
          ejections: after.own.downs - before.own.downs,
          // Where the tries of v2 went in its own proxy, for a failure message.
          own: `v2's proxy: ${after.own.total - before.own.total} requests, ${after.own.errors - before.own.errors} failed, aborted by the client side ${after.own.aborts.client - before.own.aborts.client}, by the server side ${after.own.aborts.server - before.own.aborts.server}`,
        };
      };

      /** The fault off again: v2 returns after its ejection (about 10 s) and gets its share. */
      const healV2 = async () => {
        await setFault(v2Admin(), { abort: 0, hang: 0 });
        await expect.poll(async () => (await v2()).split.status, { timeout: 30_000, interval: 250 }).toBe('UP');
        const back = await callThrough(outbound(), admin(), { calls: 200 });
        expect(back.failed).toBe(0);
        // At 50/50, v2 misses all of 200 calls with probability 2^-200.
        expect(back.perVersion.v2).toBeGreaterThan(0);
      };

      it('turns a 20 % failure rate on both versions into at least 99 % answered calls, for about 25 % more tries and no ejection', async () => {
        const v1Admin = lab.resolve('${inventory-v1-sidecar.admin.addr}');
        const split = async () => {
          const rows = (await serverStats(admin())).filter((row) => row.backend === 'inventory');
          const sum = (of: (row: (typeof rows)[number]) => number) => rows.reduce((n, row) => n + of(row), 0);
          return { tries: sum((row) => row.total), retried: sum((row) => row.retries), downs: sum((row) => row.downs) };
        };
        try {
          await setFault(v1Admin, { abort: 20 });
          await setFault(v2Admin(), { abort: 20 });
          const before = await split();
          const report = await callThrough(outbound(), admin(), { calls: 1000 });
          const after = await split();
          const retried = after.retried - before.retried;
          // A call fails only if all 4 tries do: 0.2⁴ = 0.16 %, 1.6 of 1,000 expected; more than
          // 10 has probability about 10⁻⁵.
          expect(report.failed, `${report.failed} of 1,000 calls failed`).toBeLessThanOrEqual(10);
          // The extra load is the retries, each one more try: 0.2 + 0.2² + 0.2³ ≈ 25 % expected,
          // at most 3 per call; 15–35 % is more than 4 standard deviations either way.
          expect(after.tries - before.tries).toBe(1000 + retried);
          expect(retried).toBeGreaterThan(150);
          expect(retried).toBeLessThan(350);
          // 20 % failures are retried, not ejected: 10 in a row has probability 0.2¹⁰ ≈ 10⁻⁷.
          expect(after.downs - before.downs).toBe(0);
        } finally {
          await setFault(v1Admin, { abort: 0 });
          await setFault(v2Admin(), { abort: 0 });
        }
      }, 120_000);

      it('turns 503s from v2 into answers from v1 (every failed try retried, none failing) and ejects v2 until it answers again', async () => {
        try {
          const { report, tries, retried, failedAnswers, ejections, own } = await breakV2({ abort: 100 });
          expect(report.failed, `${report.failed} of 200 calls failed`).toBe(0);
          expect(tries).toBeGreaterThanOrEqual(10);
          expect(retried, 'every try of v2 retried').toBe(tries);
          // At least the ejection threshold of them count as v2's failed answers; the rest, as in
          // the hang test below, are tries that reached v2's proxy while it was ejecting v2 (14 of
          // 20 counted once in a Compose check).
          expect(failedAnswers, `tries of v2 counted as failed answers (${own})`).toBeGreaterThanOrEqual(10);
          expect(failedAnswers, own).toBeLessThanOrEqual(tries);
          expect(ejections).toBeGreaterThanOrEqual(1);
          // Not ejected, v2 would get its half: at least 71 of 200 (the binomial bound below).
          expect(tries).toBeLessThan(bound(200, 0.5)[0]);
          await healV2();
        } finally {
          await setFault(v2Admin(), { abort: 0, hang: 0 });
          await setWeights(admin(), 'inventory', { v1: 90, v2: 10 });
        }
      }, 120_000);

      it('gives up on a hanging v2 after the 2 s per-try timeout, retries on v1 so no call fails, and ejects v2', async () => {
        try {
          const started = Date.now();
          const { report, tries, retried, failedAnswers, ejections, own } = await breakV2({ hang: 100 });
          expect(report.failed, `${report.failed} of 200 calls failed`).toBe(0);
          expect(tries).toBeGreaterThanOrEqual(10);
          expect(retried, 'every try of v2 retried').toBe(tries);
          // Each try of v2 ends in a timeout, but not every one counts as v2's failed answer in
          // v2's proxy: seen 16 of 21 before `timeout queue` was set and the split layer's
          // timeout made to cover that proxy's queue + connect + per-try time, and 16 of 20 in a
          // Compose check after (16 of 16 in others). So the queue is not the cause. Likely: tries
          // the split sent while v2's proxy was ejecting v2 (16 in flight), which that proxy then
          // answers 503 with no server to count them against — the 503 test above failed the
          // same way once (14 of 20) in the Compose check. Enough of them count to eject v2.
          expect(failedAnswers, `tries of v2 counted as failed answers (${own})`).toBeGreaterThanOrEqual(10);
          expect(failedAnswers, own).toBeLessThanOrEqual(tries);
          expect(ejections).toBeGreaterThanOrEqual(1);
          expect(tries).toBeLessThan(bound(200, 0.5)[0]);
          // No call waited for the hang (60 s): at most a timeout, then v1.
          expect(Date.now() - started).toBeLessThan(30_000);
          await healV2();
        } finally {
          await setFault(v2Admin(), { abort: 0, hang: 0 });
          await setWeights(admin(), 'inventory', { v1: 90, v2: 10 });
        }
      }, 120_000);
    });

    describe('the overhead benchmark (pnpm lab bench mesh), short', () => {
      // Against this file's lab, not a copy of its own (seven more processes); only its two order
      // services start. It proves the experiment works end to end; no speed is asserted.
      it('measures gRPC and REST straight and through the sidecars in one run, every call answered, the split put back', async () => {
        const at = (service: string, extra: string | undefined, key: string) =>
          lab.resolve(`\${${service}${extra ? `.${extra}` : ''}.${key}}`);
        const context: ExperimentContext = {
          short: true,
          addr: (service, extra) => at(service, extra, 'addr'),
          url: (service, extra) => at(service, extra, 'url'),
          pid: () => undefined,
          dataDir: () => undefined,
          // No broker in this lab, and the experiment uses none.
          infra: { kafkaBrokers: [], amqpUrl: '', redisUrl: '' },
          progress: () => {},
          serviceLog: () => {},
        };
        const splitBefore = await serverStats(admin());
        const report = (await experiments.find((e) => e.name === 'mesh')!.run(context)).finish();
        const kinds = ['gRPC', 'REST'];
        expect(report.rows.map((row) => row.name.split(':')[0]).sort()).toEqual(
          kinds.flatMap((kind) => [`${kind} direct`, `${kind} direct`, `${kind} sidecars`, `${kind} sidecars`]).sort(),
        );
        for (const row of report.rows) {
          expect(row.result.ok, row.name).toBeGreaterThan(0);
          expect(row.result.errors, row.name).toEqual({});
        }
        expect(report.ratios.map((ratio) => ratio.label.split(',')[0])).toEqual(
          kinds.flatMap((kind) => Array(3).fill(`${kind} sidecars / direct`)),
        );
        for (const ratio of report.ratios) expect(ratio.value, ratio.label).toBeGreaterThan(0);
        const weights = (rows: Awaited<ReturnType<typeof serverStats>>) =>
          rows.filter((row) => row.backend === 'inventory').map((row) => [row.server, row.weight]);
        expect(weights(await serverStats(admin()))).toEqual(weights(splitBefore));
      }, 120_000);
    });

    describe("inventory's sidecar admits only mTLS from order", () => {
      const inbound = () => lab.resolve('${inventory-v1-sidecar.inbound.addr}');

      it('answers a plain-text HTTP request on its mTLS port with no HTTP at all', async () => {
        const answer = await new Promise<string>((resolve) => {
          const [host, port] = inbound().split(':');
          const socket = tcpConnect(Number(port), host!, () =>
            socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'),
          );
          let got = '';
          socket.on('data', (chunk) => (got += chunk.toString('latin1')));
          socket.on('close', () => resolve(got));
          socket.on('error', () => resolve(got));
          socket.setTimeout(5_000, () => socket.destroy());
        });
        expect(answer).not.toMatch(/^HTTP\//);
      });

      it('refuses a TLS client without a certificate in the handshake', async () => {
        expect(await h2Get(inbound(), {})).toMatch(/ERR_SSL|ECONNRESET|ERR_HTTP2/);
      });

      it('refuses an expired certificate and one from another CA, both for spiffe://commlab/order', async () => {
        expect(await h2Get(inbound(), { cert: 'expired/order.crt', key: 'expired/order.key' })).toMatch(
          /ERR_SSL|ECONNRESET|ERR_HTTP2/,
        );
        expect(await h2Get(inbound(), { cert: 'foreign/order.crt', key: 'foreign/order.key' })).toMatch(
          /ERR_SSL|ECONNRESET|ERR_HTTP2/,
        );
      });

      it("answers 403 to notification's valid certificate: only order may call inventory", async () => {
        expect(await h2Get(inbound(), { cert: 'notification.crt', key: 'notification.key' })).toBe(403);
      });

      it('gives a gRPC caller with the wrong identity PERMISSION_DENIED, and order its answer', async () => {
        const as = (identity: string) =>
          inventoryClient(
            inbound(),
            credentials.createSsl(read('ca.crt'), read(`${identity}.key`), read(`${identity}.crt`)),
          );
        const notification = as('notification');
        const refused = await stockLevelOf(notification, 'WC-005').catch((err: ServiceError) => err);
        notification.close();
        expect((refused as ServiceError).code).toBe(status.PERMISSION_DENIED);

        const order = as('order');
        const level = await stockLevelOf(order, 'WC-005');
        order.close();
        expect(level.sku).toBe('WC-005');
      });
    });
  });
}
