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
  /** Every series an instant query answers (none: an empty list); throws on a query Prometheus refuses. */
  series(query: string): Promise<Series[]>;
  alerts(): Promise<{ labels: Record<string, string>; state: string }[]>;
  stop(): Promise<void>;
}

/** One series of an instant query's answer: its labels and its sample ([time, value]). */
export interface Series {
  metric: Record<string, string>;
  value: [number, string];
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
  const series = async (query: string) => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(query)}`);
    const body = (await response.json()) as { status: string; error?: string; data: { result: Series[] } };
    if (body.status !== 'success') throw new Error(`Prometheus refused ${query}: ${body.error}`);
    return body.data.result;
  };
  return {
    url,
    value: async (query) => {
      const first = (await series(query))[0];
      return first ? Number(first.value[1]) : undefined;
    },
    series,
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
