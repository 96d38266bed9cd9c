/**
 * Which of the project's files does one order run through? Starts lab 01 twice under V8's own
 * coverage (NODE_V8_COVERAGE) for the same length of time, with a customer's WebSocket open in
 * both: once idle, once placing one order and waiting for its push. A file is on the walk when
 * some code in it ran in the order's run and not in the idle one — start-up, the relay's polling
 * and the socket's subscription run in both, so they cancel out. Prints the walk service by
 * service, with each file's newly run functions, and the count the consolidation issue measures.
 *
 *   node labs/01-tour/walk-of-an-order.ts
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import WebSocket from 'ws';
import { startLab } from '@commlab/lab/testing';
import { signToken, subprotocol, type ServerMessage } from '@commlab/push';

const services = ['order', 'inventory', 'notification'] as const;
type Service = (typeof services)[number];
const repo = fileURLToPath(new URL('../../', import.meta.url));
const customer = 'walker';
const pushSecret = 'walk-of-an-order-secret';
/** Long enough for the order's push to arrive on a loaded machine; both runs last this long. */
const runMs = 8_000;

interface Range {
  startOffset: number;
  endOffset: number;
  count: number;
}
interface FunctionCoverage {
  functionName: string;
  ranges: Range[];
}
/** Per project file: its functions, as V8 reported them when the process exited. */
type Coverage = Map<string, FunctionCoverage[]>;

async function run(placeOrder: boolean): Promise<Record<Service, Coverage>> {
  const dirs = Object.fromEntries(services.map((s) => [s, mkdtempSync(join(tmpdir(), `walk-${s}-`))])) as Record<
    Service,
    string
  >;
  const lab = await startLab('01-tour', {
    target: 'native',
    services: [...services],
    env: {
      order: { NODE_V8_COVERAGE: dirs.order },
      inventory: { NODE_V8_COVERAGE: dirs.inventory },
      notification: { NODE_V8_COVERAGE: dirs.notification, PUSH_TOKEN_SECRET: pushSecret },
    },
  });
  const started = Date.now();
  try {
    const token = signToken(pushSecret, customer, 600);
    const socket = new WebSocket(`ws://${lab.addr('notification')}/ws`, [subprotocol], {
      headers: { authorization: `Bearer ${token}` },
    });
    const pushed: string[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      if (message.type === 'event') pushed.push(message.event.eventType);
    });
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
    socket.send(JSON.stringify({ type: 'subscribe' }));
    if (placeOrder) {
      const placed = await fetch(`${lab.url('order')}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: customer, lines: [{ sku: 'KB-001', quantity: 1 }] }),
      });
      if (placed.status !== 201) throw new Error(`the order was answered ${placed.status}: ${await placed.text()}`);
      while (!pushed.includes('commlab.order.confirmed.v1')) {
        if (Date.now() - started > runMs) throw new Error(`no push of the confirmed order within ${runMs} ms`);
        await sleep(50);
      }
    }
    await sleep(runMs - (Date.now() - started));
    socket.close();
  } finally {
    await lab.stop(); // the services exit, and V8 writes what ran
  }
  const coverage = Object.fromEntries(services.map((s) => [s, readCoverage(dirs[s])])) as Record<Service, Coverage>;
  for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  return coverage;
}

function readCoverage(dir: string): Coverage {
  const files: Coverage = new Map();
  for (const name of readdirSync(dir)) {
    const { result } = JSON.parse(readFileSync(join(dir, name), 'utf8')) as {
      result: { url: string; functions: FunctionCoverage[] }[];
    };
    for (const script of result) {
      if (!script.url.startsWith('file:')) continue;
      const path = relative(repo, fileURLToPath(script.url));
      if (path.startsWith('..') || path.includes('node_modules')) continue;
      files.set(path, [...(files.get(path) ?? []), ...script.functions]);
    }
  }
  return files;
}

/** How often the code at `offset` ran: the count of the innermost range around it. */
function countAt(functions: FunctionCoverage[] | undefined, offset: number): number {
  let best: Range | undefined;
  for (const { ranges } of functions ?? []) {
    for (const range of ranges) {
      if (range.startOffset <= offset && offset < range.endOffset) {
        if (!best || range.endOffset - range.startOffset <= best.endOffset - best.startOffset) best = range;
      }
    }
  }
  return best?.count ?? 0;
}

/** The functions of a file with code that ran in `order` and never in `idle`. */
function newlyRun(idle: FunctionCoverage[] | undefined, order: FunctionCoverage[]): string[] {
  const names = new Set<string>();
  for (const fn of order) {
    for (const range of fn.ranges) {
      if (range.count > 0 && countAt(order, range.startOffset) > 0 && countAt(idle, range.startOffset) === 0) {
        names.add(fn.functionName || '(anonymous)');
      }
    }
  }
  return [...names];
}

const idle = await run(false);
const order = await run(true);
const walk = new Set<string>();
for (const service of services) {
  console.log(`\n${service}`);
  for (const [file, functions] of [...order[service]].sort(([a], [b]) => a.localeCompare(b))) {
    const ran = newlyRun(idle[service].get(file), functions);
    if (ran.length === 0) continue;
    walk.add(file);
    console.log(`  ${file.padEnd(56)} ${ran.slice(0, 4).join(', ')}${ran.length > 4 ? ', …' : ''}`);
  }
}
const inServices = [...walk].filter((f) => f.startsWith('services/')).length;
console.log(
  `\n${walk.size} files on the walk of one order: ${inServices} in services/, ${walk.size - inServices} in packages/`,
);
