/** What Kafka Connect says about one connector (GET /connectors/<name>/status). */
export interface ConnectorStatus {
  name: string;
  connector: { state: string; worker_id: string };
  tasks: { id: number; state: string; worker_id: string; trace?: string }[];
}

/** The few calls of Kafka Connect's REST API a lab needs; the same natively and in Compose. */
export function connectApi(baseUrl: string) {
  const call = async (method: string, path: string, body?: unknown): Promise<Response> =>
    fetch(`${baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      ...(body !== undefined && { body: JSON.stringify(body) }),
      signal: AbortSignal.timeout(10_000),
    }).catch((err: Error) => {
      const cause = (err.cause as { code?: string } | undefined)?.code ?? err.message;
      throw new Error(`Kafka Connect at ${baseUrl} is not answering (${cause})`);
    });
  const ok = async (response: Response, what: string) => {
    if (!response.ok) throw new Error(`Kafka Connect: ${what}: ${response.status} ${await response.text()}`);
    return response;
  };
  const path = (name: string) => `/connectors/${encodeURIComponent(name)}`;
  return {
    /** Creates the connector, or updates its configuration (PUT is idempotent). */
    put: async (name: string, config: Record<string, string>) => {
      await ok(await call('PUT', `${path(name)}/config`, config), `PUT ${name}`);
    },
    /** Its state, or undefined when the worker has no such connector. */
    status: async (name: string): Promise<ConnectorStatus | undefined> => {
      const response = await call('GET', `${path(name)}/status`);
      if (response.status === 404) return undefined;
      return (await (await ok(response, `status of ${name}`)).json()) as ConnectorStatus;
    },
    /** Restarts its failed parts (a task that failed, e.g. while the database was away). */
    restartFailed: async (name: string) => {
      await ok(await call('POST', `${path(name)}/restart?includeTasks=true&onlyFailed=true`), `restart ${name}`);
    },
  };
}
