import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Lab } from '../define.ts';
import { labsDir } from '../paths.ts';
import { composeInfra } from '../topology.ts';

// A lab's dashboard under Compose: Grafana, provisioned from files committed in the lab's
// grafana/ folder, reading the lab's Prometheus. Never natively: there Prometheus' own graph
// pages serve (lab links). Nothing of the lab depends on it, so the Compose check, which starts
// only the lab's brokers and services (run-lab.ts), leaves it out: CI has no image registry.

/**
 * grafana/grafana, not grafana/grafana-oss: the -oss repository gets no images since 12.4.0
 * (Grafana's deprecation notice); grafana/grafana holds the same open-source build.
 */
export const grafanaImage = 'grafana/grafana:13.2.1';

/** Grafana's port in both placements: its default 3000 is order's, and on the host network they would meet. */
export const grafanaPort = 3030;

/** The lab folder Grafana's provisioning is read from, and where the container sees it. */
export const grafanaDir = 'grafana';
const provisioning = '/etc/grafana/provisioning';

/** Grafana's settings: anonymous viewers, no calls home, nothing fetched at start. */
function grafanaEnv(lab: Lab, prometheusUrl: string): Record<string, string> {
  return {
    GF_SERVER_HTTP_PORT: String(grafanaPort),
    // A reader opens the URL and sees the dashboard: no sign-in, and no editing either.
    GF_AUTH_ANONYMOUS_ENABLED: 'true',
    GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
    GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH: `${provisioning}/dashboards/${lab.grafana!.home}`,
    GF_ANALYTICS_REPORTING_ENABLED: 'false',
    GF_ANALYTICS_CHECK_FOR_UPDATES: 'false',
    GF_ANALYTICS_CHECK_FOR_PLUGIN_UPDATES: 'false',
    GF_NEWS_NEWS_FEED_ENABLED: 'false',
    GF_PLUGINS_PREINSTALL_DISABLED: 'true',
    // The datasource file names it as ${PROMETHEUS_URL} (Grafana expands variables in
    // provisioning files), so one file serves the Compose network and the host network.
    PROMETHEUS_URL: prometheusUrl,
  };
}

/** The Grafana service of a lab's compose.yaml. */
export function grafanaService(lab: Lab): object {
  return {
    image: grafanaImage,
    environment: grafanaEnv(lab, composeInfra['prometheus.url']!),
    volumes: [`./${grafanaDir}:${provisioning}:ro`],
    ports: [`127.0.0.1:${grafanaPort}:${grafanaPort}`],
    healthcheck: {
      test: `wget -q -O /dev/null http://127.0.0.1:${grafanaPort}/api/health`,
      interval: '3s',
      timeout: '3s',
      retries: 40,
      start_period: '20s',
    },
    // Not measured here (no image on this machine): Grafana's own sizing guide starts at 255 MB.
    mem_limit: '384m',
    depends_on: { prometheus: { condition: 'service_healthy' } },
  };
}

/** Its override in compose.host-brokers.yaml: on the host network, reading the Prometheus native runs use. */
export function grafanaOnHost(lab: Lab, prometheusUrl: string): object {
  return {
    network_mode: 'host',
    environment: { ...grafanaEnv(lab, prometheusUrl), GF_SERVER_HTTP_ADDR: '127.0.0.1' },
  };
}

/** The line compose.yaml's header gives a lab with a dashboard. */
export function grafanaNote(): string[] {
  return [
    `# Dashboard: Grafana on http://127.0.0.1:${grafanaPort} (anonymous viewers), provisioned from ${grafanaDir}/.`,
    '# `pnpm lab compose-check` starts only the brokers and services, so it never pulls its image.',
  ];
}

/** One query of a panel of a provisioned dashboard. */
export interface PanelQuery {
  /** The panel's title. */
  panel: string;
  refId: string;
  expr: string;
  /** The uid of the datasource the query goes to (the target's own, else its panel's). */
  datasource: string | undefined;
}

export interface Provisioned {
  /** Every provisioned datasource: uid, type and url as written (before Grafana expands variables). */
  datasources: { uid?: string; name: string; type: string; url?: string }[];
  /** Every dashboard provider: the folder Grafana reads dashboards from, inside the container. */
  providers: { name: string; type: string; options: { path: string } }[];
  /** Every dashboard JSON under grafana/dashboards/, by file name. */
  dashboards: Record<string, { uid: string; title: string; queries: PanelQuery[] }>;
}

interface Panel {
  title?: string;
  type?: string;
  datasource?: { uid?: string };
  targets?: { refId?: string; expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}

/** What a lab's grafana/ folder provisions, as Grafana will read it; throws on a file that does not parse. */
export function provisionedFor(labId: string): Provisioned {
  const dir = join(labsDir, labId, grafanaDir);
  const yamlFiles = (sub: string) =>
    readdirSync(join(dir, sub))
      .filter((file) => /\.ya?ml$/.test(file))
      .map((file) => parse(readFileSync(join(dir, sub, file), 'utf8')) as Record<string, unknown>);
  const dashboards: Provisioned['dashboards'] = {};
  for (const file of readdirSync(join(dir, 'dashboards')).filter((f) => f.endsWith('.json'))) {
    const text = readFileSync(join(dir, 'dashboards', file), 'utf8');
    let json: { uid: string; title: string; panels?: Panel[] };
    try {
      json = JSON.parse(text) as typeof json;
    } catch (err) {
      throw new Error(`${grafanaDir}/dashboards/${file}: ${(err as Error).message}`, { cause: err });
    }
    dashboards[file] = { uid: json.uid, title: json.title, queries: queriesOf(json.panels ?? []) };
  }
  return {
    datasources: yamlFiles('datasources').flatMap((f) => (f.datasources ?? []) as Provisioned['datasources']),
    providers: yamlFiles('dashboards').flatMap((f) => (f.providers ?? []) as Provisioned['providers']),
    dashboards,
  };
}

/** Every query of every panel, rows' collapsed panels included. */
function queriesOf(panels: Panel[]): PanelQuery[] {
  return panels.flatMap((panel) => [
    ...(panel.targets ?? []).map((target) => ({
      panel: panel.title ?? '',
      refId: target.refId ?? '',
      expr: target.expr ?? '',
      datasource: target.datasource?.uid ?? panel.datasource?.uid,
    })),
    ...queriesOf(panel.panels ?? []),
  ]);
}
