// The mesh's command line for the guide: read and change inventory's traffic split on order's
// sidecar through HAProxy's runtime API (no reload, no restart), and send calls through it.
//
//   node labs/07-service-mesh/mesh.ts split --admin 127.0.0.1:15200 [v1=50 v2=50]
//   node labs/07-service-mesh/mesh.ts call --via 127.0.0.1:15201 --admin 127.0.0.1:15200 [-n 1000]
import { parseArgs } from 'node:util';
import { serverStats, setWeights } from '@commlab/mesh';
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
} else {
  console.error(
    'usage: mesh.ts split [--admin host:port] [version=weight...] | call [--via host:port] [--admin host:port] [-n N]',
  );
  process.exit(2);
}
