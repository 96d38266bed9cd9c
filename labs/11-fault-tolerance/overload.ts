/**
 * Floods an order service with new orders: `concurrency` clients, each placing an order as soon
 * as its previous one was answered, for `seconds`. Prints each answer's kind (status and problem
 * type) with how many there were and how long they took. The guide runs it, and the lab test
 * counts with it:
 *
 *   node labs/11-fault-tolerance/overload.ts http://localhost:3000 [seconds=3] [concurrency=100]
 *
 * Its orders are for CB-007, the SKU with the most stock (100), so they are refused for want of
 * stock as late as possible.
 */
import { fileURLToPath } from 'node:url';

export interface Answer {
  status: number;
  /** The problem type of a refusal, or the status of an order placed (confirmed, pending). */
  kind: string;
  id: string | undefined;
  retryAfter: string | null;
  ms: number;
}

export async function overload(url: string, { seconds = 3, concurrency = 100 } = {}): Promise<Answer[]> {
  const answers: Answer[] = [];
  const end = Date.now() + seconds * 1000;
  const client = async () => {
    while (Date.now() < end) {
      const started = performance.now();
      const response = await fetch(`${url}/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ customerId: 'flood', lines: [{ sku: 'CB-007', quantity: 1 }] }),
      });
      const body = (await response.json()) as { id?: string; type?: string; status?: unknown };
      answers.push({
        status: response.status,
        kind: response.ok ? String(body.status) : String(body.type),
        id: response.ok ? body.id : undefined,
        retryAfter: response.headers.get('retry-after'),
        ms: performance.now() - started,
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return answers;
}

/** One line per kind of answer: how many, median and p99 time, and the Retry-After it carried. */
export function summary(answers: Answer[]): string[] {
  const kinds = new Map<string, Answer[]>();
  for (const answer of answers) {
    const kind = `${answer.status} ${answer.kind}`;
    kinds.set(kind, [...(kinds.get(kind) ?? []), answer]);
  }
  return [...kinds.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([kind, list]) => {
      const ms = list.map((a) => a.ms).sort((a, b) => a - b);
      const at = (q: number) => `${Math.round(ms[Math.ceil(ms.length * q) - 1]!)} ms`;
      const retry = list[0]!.retryAfter ? `  Retry-After: ${list[0]!.retryAfter}` : '';
      return `${kind.padEnd(36)} ${String(list.length).padStart(5)}×  p50 ${at(0.5).padStart(7)}  p99 ${at(0.99).padStart(7)}${retry}`;
    });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [url = 'http://localhost:3000', seconds = '3', concurrency = '100'] = process.argv.slice(2);
  const answers = await overload(url, { seconds: Number(seconds), concurrency: Number(concurrency) });
  for (const line of summary(answers)) console.log(line);
}
