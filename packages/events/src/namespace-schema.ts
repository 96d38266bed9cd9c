/**
 * The PostgreSQL schema a service keeps one lab's (or one test run's) data in: `<prefix>_` and
 * the run's EVENT_NAMESPACE as an identifier (`es_lab08`, `es_commlab_test_1a2b3c4d`), so runs
 * sharing a database never see each other's rows, as they never see each other's queues, and
 * `lab reset` can drop exactly what one run made.
 */
export function namespaceSchema(prefix: string, namespace: string): string {
  return `${prefix}_${namespace.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`.slice(0, 63);
}
