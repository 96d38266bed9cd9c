/**
 * What a producer knows about one send: the broker confirmed it (acks=all, a publisher
 * confirm), refused it for sure (a nack; a write the leader rejected before appending), or
 * cannot tell (a timeout, a connection that died with the confirm outstanding).
 */
export type Outcome = 'confirmed' | 'failed' | 'unknown';

/**
 * One line of a test's history. A test logs every send with its outcome, every effect its
 * consumer applied, and the evidence that the fault really hit (a redelivery, a leader change).
 * Plain data, so a consumer in another process can write its lines as JSON.
 */
export type HistoryEntry =
  | {
      kind: 'produced';
      id: string;
      outcome: Outcome;
      /** With `seq`: the message is the seq-th of its key, and its key's effects must apply in seq order. */
      key?: string;
      seq?: number;
    }
  | { kind: 'applied'; id: string }
  | { kind: 'redelivered'; id: string }
  | { kind: 'leader-changed'; what: string };

export interface HistoryReport {
  counts: {
    produced: number;
    confirmed: number;
    failed: number;
    unknown: number;
    applied: number;
    redeliveries: number;
    leaderChanges: number;
  };
  /** Confirmed, never applied: the guarantee broken. */
  lost: string[];
  /** Applied more than once: the consumer is not idempotent. */
  duplicated: { id: string; times: number }[];
  /** Applied, never produced. */
  unexpected: string[];
  /** Refused for sure, yet applied: the producer was told a lie (a resend would duplicate). */
  refusedButApplied: string[];
  /** Unknown outcome, applied: sent into the fault and stored after all. Fine, and worth showing. */
  recovered: string[];
  /** Unknown outcome, never applied: sent into the fault and gone. Allowed: the producer was not told "stored". */
  unknownLost: string[];
  /** An effect applied after a later message of the same key. */
  outOfOrder: { key: string; id: string; seq: number; after: number }[];
  /** The leader changes logged. */
  leaderChanges: string[];
  /** A redelivery or a leader change was seen: without one, a clean run proves nothing about faults. */
  faultObserved: boolean;
  /** Nothing lost, duplicated, unexpected, refused-but-applied or out of order, and the fault observed. */
  ok: boolean;
  /** What is wrong, one sentence each (empty when ok). */
  problems: string[];
  /** One line for a test's output, e.g. "10000 produced (10000 confirmed) ... lost 0 ...". */
  summary: string;
}

/** Lists at most this many ids in a problem sentence; the report has them all. */
const shown = 5;

/**
 * Checks a history: lost (confirmed, never applied), duplicated effects, unexpected (applied,
 * never produced), refused-but-applied, per-key order of effects, and whether the fault was
 * observed; recovered (unknown outcome, applied) is reported, not a problem. A message produced
 * several times (retries) counts once, with its best outcome: confirmed over unknown over failed.
 */
export function checkHistory(entries: Iterable<HistoryEntry>): HistoryReport {
  const produced = new Map<string, { outcome: Outcome; key?: string; seq?: number }>();
  const applied = new Map<string, number>();
  const appliedOrder: string[] = [];
  const leaderChanges: string[] = [];
  let redeliveries = 0;

  for (const entry of entries) {
    switch (entry.kind) {
      case 'produced': {
        const before = produced.get(entry.id);
        produced.set(entry.id, {
          outcome: before ? best(before.outcome, entry.outcome) : entry.outcome,
          key: entry.key ?? before?.key,
          seq: entry.seq ?? before?.seq,
        });
        break;
      }
      case 'applied':
        applied.set(entry.id, (applied.get(entry.id) ?? 0) + 1);
        appliedOrder.push(entry.id);
        break;
      case 'redelivered':
        redeliveries++;
        break;
      case 'leader-changed':
        leaderChanges.push(entry.what);
        break;
    }
  }

  const withOutcome = (outcome: Outcome) => [...produced].filter(([, p]) => p.outcome === outcome).map(([id]) => id);
  const lost = withOutcome('confirmed').filter((id) => !applied.has(id));
  const recovered = withOutcome('unknown').filter((id) => applied.has(id));
  const unknownLost = withOutcome('unknown').filter((id) => !applied.has(id));
  const refusedButApplied = withOutcome('failed').filter((id) => applied.has(id));
  const duplicated = [...applied].filter(([, times]) => times > 1).map(([id, times]) => ({ id, times }));
  const unexpected = [...applied.keys()].filter((id) => !produced.has(id));
  const outOfOrder = orderViolations(appliedOrder, produced);
  const faultObserved = redeliveries > 0 || leaderChanges.length > 0;

  const problems = [
    ...listed(lost, 'confirmed but never applied (lost)'),
    ...listed(
      duplicated.map(({ id, times }) => `${id} ×${times}`),
      'applied more than once (duplicated effects)',
    ),
    ...listed(unexpected, 'applied but never produced (unexpected)'),
    ...listed(refusedButApplied, 'refused (outcome failed) but applied'),
    ...listed(
      outOfOrder.map(({ key, seq, after }) => `${key}#${seq} after #${after}`),
      'applied out of order within their key',
    ),
    ...(faultObserved
      ? []
      : ['no redelivery and no leader change observed: the fault did not hit, so the run proves nothing']),
  ];

  const counts = {
    produced: produced.size,
    confirmed: withOutcome('confirmed').length,
    failed: withOutcome('failed').length,
    unknown: withOutcome('unknown').length,
    applied: applied.size,
    redeliveries,
    leaderChanges: leaderChanges.length,
  };
  const summary =
    `${counts.produced} produced (${counts.confirmed} confirmed, ${counts.failed} failed, ${counts.unknown} unknown), ` +
    `${counts.applied} applied; lost ${lost.length}, duplicated ${duplicated.length}, unexpected ${unexpected.length}, ` +
    `recovered ${recovered.length}, out of order ${outOfOrder.length}; ` +
    `${redeliveries} redeliveries, ${leaderChanges.length} leader changes`;

  return {
    counts,
    lost,
    duplicated,
    unexpected,
    refusedButApplied,
    recovered,
    unknownLost,
    outOfOrder,
    leaderChanges,
    faultObserved,
    ok: problems.length === 0,
    problems,
    summary,
  };
}

/**
 * Collects a history as a test runs. Consumers in other processes can send their entries as
 * JSON lines and have them added with `add`.
 */
export class History {
  readonly entries: HistoryEntry[] = [];

  produced(id: string, outcome: Outcome, order?: { key: string; seq: number }): void {
    this.entries.push({ kind: 'produced', id, outcome, ...order });
  }

  applied(id: string): void {
    this.entries.push({ kind: 'applied', id });
  }

  redelivered(id: string): void {
    this.entries.push({ kind: 'redelivered', id });
  }

  leaderChanged(what: string): void {
    this.entries.push({ kind: 'leader-changed', what });
  }

  add(...entries: HistoryEntry[]): void {
    this.entries.push(...entries);
  }

  check(): HistoryReport {
    return checkHistory(this.entries);
  }
}

const rank: Record<Outcome, number> = { failed: 0, unknown: 1, confirmed: 2 };
const best = (a: Outcome, b: Outcome): Outcome => (rank[a] >= rank[b] ? a : b);

function orderViolations(
  appliedOrder: string[],
  produced: Map<string, { key?: string; seq?: number }>,
): HistoryReport['outOfOrder'] {
  const highest = new Map<string, number>();
  const violations: HistoryReport['outOfOrder'] = [];
  for (const id of appliedOrder) {
    const { key, seq } = produced.get(id) ?? {};
    if (key === undefined || seq === undefined) continue;
    const before = highest.get(key);
    if (before !== undefined && seq < before) violations.push({ key, id, seq, after: before });
    else highest.set(key, seq);
  }
  return violations;
}

function listed(items: string[], what: string): string[] {
  if (items.length === 0) return [];
  const more = items.length > shown ? ` and ${items.length - shown} more` : '';
  return [`${items.length} ${what}: ${items.slice(0, shown).join(', ')}${more}`];
}
