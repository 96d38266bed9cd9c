import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { nativeInfra } from '../infra.ts';
import { readyLabs } from '../labs.ts';
import { labsDir } from '../paths.ts';
import { testLab } from '../testing/fixtures.ts';
import { composeInfra } from '../topology.ts';
import { composeFile, hostBrokersFile } from './compose-file.ts';
import { grafanaDir, grafanaPort, provisionedFor } from './grafana.ts';
import { labContainers } from './run-lab.ts';

type Service = {
  image?: string;
  environment: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  network_mode?: string;
  depends_on?: Record<string, unknown>;
};
type ComposeYaml = { services: Record<string, Service> };

const withGrafana = (await readyLabs()).filter((lab) => lab.grafana);

it('has at least one lab with a dashboard to check (lab 14)', () => {
  expect(withGrafana.map((lab) => lab.id)).toContain('14-observability');
});

describe.each(withGrafana.map((lab) => ({ id: lab.id, lab })))('lab $id: Grafana', ({ id, lab }) => {
  const provisioned = provisionedFor(id);
  const compose = parse(composeFile(lab)) as ComposeYaml;
  const grafana = compose.services.grafana!;
  const [source, mount] = grafana.volumes![0]!.split(':') as [string, string];

  it('provisions one Prometheus datasource with a uid, at the URL the Compose file gives it', () => {
    expect(provisioned.datasources).toHaveLength(1);
    const [datasource] = provisioned.datasources;
    expect(datasource).toMatchObject({ type: 'prometheus', uid: expect.any(String), url: '${PROMETHEUS_URL}' });
    // The Compose network's prometheus service, a service of the same file; natively on the host network.
    expect(grafana.environment.PROMETHEUS_URL).toBe(composeInfra['prometheus.url']);
    expect(compose.services.prometheus).toBeDefined();
    expect(grafana.depends_on).toEqual({ prometheus: { condition: 'service_healthy' } });
    const host = (parse(hostBrokersFile(lab)) as ComposeYaml).services.grafana!;
    expect(host.network_mode).toBe('host');
    expect(host.environment.PROMETHEUS_URL).toBe(nativeInfra({})['prometheus.url']);
  });

  it('has dashboards that parse, each query naming the provisioned datasource by its uid', () => {
    const uid = provisioned.datasources[0]!.uid;
    const dashboards = Object.entries(provisioned.dashboards);
    expect(dashboards.length).toBeGreaterThan(0);
    for (const [file, dashboard] of dashboards) {
      expect(dashboard.uid, file).toMatch(/^[\w-]{1,40}$/);
      expect(dashboard.queries.length, file).toBeGreaterThan(0);
      for (const query of dashboard.queries) {
        const where = `${file}: "${query.panel}" ${query.refId}`;
        expect(query.datasource, where).toBe(uid);
        expect(query.expr.trim(), where).not.toBe('');
        // Sent to Prometheus as written by the lab's tests: no Grafana variables to expand first.
        expect(query.expr, where).not.toContain('$');
      }
      const refs = dashboard.queries.map((q) => `${q.panel}/${q.refId}`);
      expect(new Set(refs).size, `${file}: a panel with two queries of one refId`).toBe(refs.length);
    }
  });

  it('mounts the lab folder the provisioning is in, where Grafana reads it, with the home dashboard', () => {
    expect(source).toBe(`./${grafanaDir}`);
    expect(existsSync(join(labsDir, id, source, 'datasources'))).toBe(true);
    expect(mount).toBe('/etc/grafana/provisioning');
    expect(grafana.volumes![0]).toMatch(/:ro$/);
    expect(provisioned.providers).toEqual([
      expect.objectContaining({ type: 'file', options: { path: `${mount}/dashboards` } }),
    ]);
    const home = grafana.environment.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH!;
    expect(home).toBe(`${mount}/dashboards/${lab.grafana!.home}`);
    expect(Object.keys(provisioned.dashboards)).toContain(lab.grafana!.home);
  });

  it('opens to anonymous viewers on its own port, which no service of the lab uses', () => {
    expect(grafana.environment).toMatchObject({
      GF_AUTH_ANONYMOUS_ENABLED: 'true',
      GF_AUTH_ANONYMOUS_ORG_ROLE: 'Viewer',
      GF_SERVER_HTTP_PORT: String(grafanaPort),
    });
    expect(grafana.ports).toEqual([`127.0.0.1:${grafanaPort}:${grafanaPort}`]);
    const ports = Object.values(lab.services).flatMap((s) => [
      s.port,
      ...Object.values(s.extraPorts ?? {}).map((e) => e.port),
    ]);
    expect(ports).not.toContain(grafanaPort);
  });

  it('is left out of what a test run starts, and nothing the lab runs depends on it', () => {
    expect(labContainers(lab)).not.toContain('grafana');
    for (const [name, service] of Object.entries(compose.services)) {
      expect(Object.keys(service.depends_on ?? {}), name).not.toContain('grafana');
    }
  });

  it("links Prometheus' graph pages natively only for queries the dashboard has", () => {
    const queries = new Set(Object.values(provisioned.dashboards).flatMap((d) => d.queries.map((q) => q.expr)));
    const graphs = lab.links.filter((link) => link.url.startsWith('${prometheus.url}/graph?'));
    expect(graphs.length).toBeGreaterThan(0);
    for (const link of graphs) {
      const params = new URLSearchParams(link.url.slice(link.url.indexOf('?') + 1));
      const exprs = [...params].filter(([key]) => /^g\d+\.expr$/.test(key)).map(([, value]) => value);
      expect(exprs.length, link.label).toBeGreaterThan(0);
      for (const expr of exprs) expect(queries.has(expr), `${link.label}: ${expr}`).toBe(true);
    }
  });
});

describe('a lab without a dashboard', () => {
  it('gets no Grafana in its Compose files', () => {
    const lab = testLab('test-lab', { brokers: ['prometheus'], services: { order: {} } });
    expect((parse(composeFile(lab)) as ComposeYaml).services.grafana).toBeUndefined();
    expect((parse(hostBrokersFile(lab)) as ComposeYaml).services.grafana).toBeUndefined();
  });

  it('cannot ask for one without a Prometheus for it to show', () => {
    expect(() => testLab('test-lab', { grafana: { home: 'x.json' }, services: { order: {} } })).toThrow(
      /brokers: \['prometheus'\]/,
    );
  });
});
