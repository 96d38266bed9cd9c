import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from '@commlab/testkit';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const script = join(root, 'infra/prometheus/prometheus.sh');

/** A real Prometheus of one test run: the run's metrics addresses as targets, the lab's own rules. */
export interface RunPrometheus {
  url: string;
  /** The first sample of an instant query (undefined while there is none). */
  value(query: string): Promise<number | undefined>;
  alerts(): Promise<{ labels: Record<string, string>; state: string }[]>;
  stop(): Promise<void>;
}

export async function startPrometheus(targets: Record<string, string>): Promise<RunPrometheus> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'commlab-14-prometheus-'));
  const config = [
    'global: { scrape_interval: 1s, evaluation_interval: 1s }',
    `rule_files: ['${join(import.meta.dirname, 'prometheus/rules.yml')}']`,
    'scrape_configs:',
    ...Object.entries(targets).map(
      ([job, addr]) => `  - { job_name: ${job}, static_configs: [{ targets: ['${addr}'] }] }`,
    ),
  ].join('\n');
  writeFileSync(join(dir, 'prometheus.yml'), `${config}\n`);
  await run(script, ['start', '--config', join(dir, 'prometheus.yml'), '--port', String(port)]);
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    value: async (query) => {
      const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
      const body = (await response.json()) as { data: { result: { value: [number, string] }[] } };
      const first = body.data.result[0];
      return first ? Number(first.value[1]) : undefined;
    },
    alerts: async () => {
      const response = await fetch(`${url}/api/v1/alerts`);
      return ((await response.json()) as { data: { alerts: { labels: Record<string, string>; state: string }[] } }).data
        .alerts;
    },
    stop: async () => {
      await run(script, ['stop', '--port', String(port)]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
