import { provisionedFor } from '@commlab/lab/runner';

/** The Grafana dashboard Compose provisions (grafana/dashboards/), as its panels query Prometheus. */
export const dashboard = provisionedFor('14-observability').dashboards['red-and-backlog.json']!;

/** The query of the panel with this title (a panel of one query). */
export function panelQuery(title: string): string {
  const queries = dashboard.queries.filter((query) => query.panel === title);
  if (queries.length !== 1) throw new Error(`the dashboard has ${queries.length} queries in a panel "${title}"`);
  return queries[0]!.expr;
}
