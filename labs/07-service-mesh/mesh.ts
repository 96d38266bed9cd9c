// The mesh's command line for the guide: read and change inventory's traffic split on order's
// sidecar through HAProxy's runtime API (no reload, no restart), and send calls through it.
//
//   node labs/07-service-mesh/mesh.ts split --admin 127.0.0.1:15200 [v1=50 v2=50]
//   node labs/07-service-mesh/mesh.ts call --via 127.0.0.1:15201 --admin 127.0.0.1:15200 [-n 1000]
//   node labs/07-service-mesh/mesh.ts fault --admin 127.0.0.1:15100 abort=100|hang=100|abort=0 hang=0
//   node labs/07-service-mesh/mesh.ts health --admin 127.0.0.1:15200
import { parseArgs } from 'node:util';
import { serverStats, setFault, setWeights, type SidecarFault } from '@commlab/mesh';
import { callThrough } from './calls.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    admin: { type: 'string', default: '127.0.0.1:15200' },
    via: { type: 'string', default: '127.0.0.1:15201' },
    n: { type: 'string', short: 'n', default: '1000' },
    upstream: { type: 'string', default: 'inventory' },
  },
});
const [command, ...rest] = positionals;
const { admin, via, upstream } = values;

async function showSplit(): Promise<void> {
  const rows = (await serverStats(admin)).filter((row) => row.backend === upstream);
  const total = rows.reduce((sum, row) => sum + row.weight, 0);
  console.log(`${upstream}, as this sidecar splits it:`);
  for (const row of rows) {
    const share = total === 0 ? 0 : Math.round((100 * row.weight) / total);
    console.log(
      `  ${row.server}  weight ${String(row.weight).padStart(3)}  ${String(share).padStart(3)} %  ${row.status}`,
    );
  }
}

if (command === 'split') {
  const weights: Record<string, number> = {};
  for (const pair of rest) {
    const match = /^([a-z0-9-]+)=(\d{1,3})$/.exec(pair);
    if (!match || Number(match[2]) > 256) {
      console.error(`mesh.ts: "${pair}" is not version=weight (a weight is 0-256), e.g. v1=50 v2=50`);
      process.exit(2);
    }
    weights[match[1]!] = Number(match[2]);
  }
  await setWeights(admin, upstream, weights);
  await showSplit();
} else if (command === 'call') {
  const calls = Number(values.n);
  if (!Number.isInteger(calls) || calls < 1) {
    console.error(`mesh.ts: -n must be a whole number above 0, got "${values.n}"`);
    process.exit(2);
  }
  const report = await callThrough(via, admin, { calls, upstream });
  const split = Object.entries(report.perVersion)
    .map(([version, n]) => `${version} ${n}`)
    .join(', ');
  console.log(`${report.calls} calls, ${report.failed} failed: ${split}`);
} else if (command === 'fault') {
  // On a callee's sidecar (inventory v2's runtime API is 127.0.0.1:15100): its inbound fault dial.
  const fault: SidecarFault = {};
  for (const pair of rest) {
    const match = /^(abort|hang)=(\d{1,3})$/.exec(pair);
    if (!match || Number(match[2]) > 100) {
      console.error(`mesh.ts: "${pair}" is not abort=<percent> or hang=<percent> (0-100)`);
      process.exit(2);
    }
    fault[match[1] as keyof SidecarFault] = Number(match[2]);
  }
  await setFault(admin, fault);
  console.log(
    `fault dial: ${Object.entries(fault)
      .map(([k, v]) => `${k} ${v} %`)
      .join(', ')}`,
  );
} else if (command === 'health') {
  // Per version, as the caller's sidecar sees it: state, tries, retries away from it, ejections.
  const rows = (await serverStats(admin)).filter((row) => row.backend === upstream);
  const own = await serverStats(admin);
  console.log(`${upstream}, per version (tries, tries retried on another version, failed answers, ejections):`);
  for (const row of rows) {
    const version = own.find((r) => r.backend === `${upstream}_${row.server}`)!;
    console.log(
      `  ${row.server}  ${row.status.padEnd(8)}  tries ${row.total}  retried ${row.retries}  failed ${version.errors}  ejected ${version.downs}`,
    );
  }
} else {
  console.error(
    'usage: mesh.ts split [--admin host:port] [version=weight...] | call [--via host:port] [--admin host:port] [-n N] | fault [--admin host:port] abort=N hang=N | health [--admin host:port]',
  );
  process.exit(2);
}
