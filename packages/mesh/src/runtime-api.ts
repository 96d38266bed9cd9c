import { connect } from 'node:net';

/**
 * One command to a sidecar's HAProxy runtime API (`stats socket ipv4@…`): HAProxy answers and
 * closes the connection. Rejects when HAProxy answers with an error text.
 */
export function runtimeApi(addr: string, command: string, timeoutMs = 5_000): Promise<string> {
  const at = addr.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: addr.slice(0, at), port: Number(addr.slice(at + 1)), timeout: timeoutMs });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (answer += chunk));
    socket.once('connect', () => socket.write(`${command}\n`));
    socket.once('timeout', () => {
      socket.destroy();
      reject(new Error(`runtime API ${addr}: no answer to "${command}" within ${timeoutMs} ms`));
    });
    socket.once('error', (err) => reject(new Error(`runtime API ${addr}: ${err.message}`)));
    socket.once('close', () => {
      if (/^(Unknown command|No such|Require|Invalid|.*not found)/im.test(answer)) {
        reject(new Error(`runtime API ${addr}: "${command}": ${answer.trim()}`));
      } else resolve(answer);
    });
  });
}

export interface ServerStat {
  backend: string;
  server: string;
  status: string;
  weight: number;
  /** Requests (sessions) the server has been sent. */
  total: number;
  /**
   * Tries of it that were retried (wretr). With `option redispatch` each also counts as a
   * redispatch (wredis): the retry went to a version picked anew.
   */
  retries: number;
  /** Failed answers: 5xx statuses, answers broken off or timed out (eresp), failed connections (econ). */
  errors: number;
  /** Times it went from UP to DOWN: failed health checks, or an outlier ejection. */
  downs: number;
  /** Requests given up while at this server: by the client side (cli_abrt) or the server side (srv_abrt). */
  aborts: { client: number; server: number };
}

/** `show stat` as rows per server (not frontends or backend totals). */
export async function serverStats(addr: string): Promise<ServerStat[]> {
  const csv = await runtimeApi(addr, 'show stat');
  const [head = '', ...rows] = csv.trim().split('\n');
  const columns = head.replace(/^# /, '').split(',');
  const col = (row: string[], name: string) => row[columns.indexOf(name)] ?? '';
  return rows
    .map((line) => line.split(','))
    .filter((row) => !['FRONTEND', 'BACKEND'].includes(row[1] ?? ''))
    .map((row) => ({
      backend: row[0]!,
      server: row[1]!,
      status: col(row, 'status'),
      weight: Number(col(row, 'weight')),
      total: Number(col(row, 'stot')),
      retries: Number(col(row, 'wretr')),
      errors: Number(col(row, 'hrsp_5xx')) + Number(col(row, 'eresp')) + Number(col(row, 'econ')),
      downs: Number(col(row, 'chkdown')),
      aborts: { client: Number(col(row, 'cli_abrt')), server: Number(col(row, 'srv_abrt')) },
    }));
}

/** Sets the weights of an upstream's versions on one sidecar, live (no reload, no restart). */
export async function setWeights(addr: string, upstream: string, weights: Record<string, number>): Promise<void> {
  for (const [version, weight] of Object.entries(weights)) {
    await runtimeApi(addr, `set server ${upstream}/${version} weight ${weight}`);
  }
}

/** The inbound fault dial of a sidecar: the share of requests (0-100) it answers 503 to, or holds unanswered. */
export interface SidecarFault {
  abort?: number;
  hang?: number;
}

/**
 * Turns a sidecar's inbound fault dial (its faults.map) through the runtime API: at once, no
 * reload. Unnamed parts are left as they are; `{ abort: 0, hang: 0 }` turns the dial off.
 */
export async function setFault(addr: string, fault: SidecarFault): Promise<void> {
  const maps = await runtimeApi(addr, 'show map');
  const id = /^(\d+) \([^)]*faults\.map\)/m.exec(maps)?.[1];
  if (id === undefined) throw new Error(`runtime API ${addr}: no fault dial (faults.map) on this sidecar`);
  for (const [key, percent] of Object.entries(fault)) {
    if (!Number.isInteger(percent) || percent < 0 || percent > 100)
      throw new Error(`fault ${key}=${String(percent)} is not a percentage 0-100`);
    await runtimeApi(addr, `set map #${id} ${key} ${percent}`);
  }
}
