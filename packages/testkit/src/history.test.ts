import { describe, expect, it } from 'vitest';
import { checkHistory, History, type HistoryEntry } from './history.ts';

const produced = (id: string, outcome: 'confirmed' | 'failed' | 'unknown' = 'confirmed'): HistoryEntry => ({
  kind: 'produced',
  id,
  outcome,
});
const applied = (id: string): HistoryEntry => ({ kind: 'applied', id });
const redelivered = (id: string): HistoryEntry => ({ kind: 'redelivered', id });

describe('history checker', () => {
  it('passes a history where every confirmed message was applied once and a redelivery was seen', () => {
    const report = checkHistory([produced('a'), produced('b'), applied('a'), redelivered('a'), applied('b')]);
    expect(report.ok).toBe(true);
    expect(report.problems).toEqual([]);
    expect(report.counts).toEqual({
      produced: 2,
      confirmed: 2,
      failed: 0,
      unknown: 0,
      applied: 2,
      redeliveries: 1,
      leaderChanges: 0,
    });
  });

  it('reports a confirmed message that was never applied as lost', () => {
    const report = checkHistory([produced('a'), produced('b'), applied('a'), redelivered('a')]);
    expect(report.lost).toEqual(['b']);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual(['1 confirmed but never applied (lost): b']);
  });

  it('reports an effect applied twice as a duplicated effect, with how often', () => {
    const report = checkHistory([produced('a'), applied('a'), applied('a'), applied('a'), redelivered('a')]);
    expect(report.duplicated).toEqual([{ id: 'a', times: 3 }]);
    expect(report.problems).toEqual(['1 applied more than once (duplicated effects): a ×3']);
  });

  it('reports an effect of a message nobody produced as unexpected', () => {
    const report = checkHistory([produced('a'), applied('a'), applied('ghost'), redelivered('a')]);
    expect(report.unexpected).toEqual(['ghost']);
    expect(report.ok).toBe(false);
  });

  it('counts an applied message of unknown outcome as recovered, and an unapplied one as allowed', () => {
    const report = checkHistory([
      produced('a', 'unknown'),
      produced('b', 'unknown'),
      produced('c', 'failed'),
      applied('a'),
      { kind: 'leader-changed', what: 'queue q: rabbit-1 → rabbit-2' },
    ]);
    expect(report.recovered).toEqual(['a']);
    expect(report.unknownLost).toEqual(['b']);
    expect(report.lost).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.leaderChanges).toEqual(['queue q: rabbit-1 → rabbit-2']);
  });

  it('reports a message refused for sure that was applied anyway', () => {
    const report = checkHistory([produced('a', 'failed'), applied('a'), redelivered('a')]);
    expect(report.refusedButApplied).toEqual(['a']);
    expect(report.ok).toBe(false);
  });

  it('takes the best outcome of a message produced several times', () => {
    const report = checkHistory([
      produced('a', 'unknown'),
      produced('a', 'confirmed'),
      produced('b', 'failed'),
      produced('b', 'unknown'),
      redelivered('x'),
    ]);
    expect(report.lost).toEqual(['a']);
    expect(report.unknownLost).toEqual(['b']);
    expect(report.counts.produced).toBe(2);
  });

  it('fails a clean run in which no redelivery or leader change was observed', () => {
    const report = checkHistory([produced('a'), applied('a')]);
    expect(report.faultObserved).toBe(false);
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([
      'no redelivery and no leader change observed: the fault did not hit, so the run proves nothing',
    ]);
  });

  it('reports effects applied out of order within a key, and ignores order across keys', () => {
    const history = new History();
    history.produced('k1-1', 'confirmed', { key: 'k1', seq: 1 });
    history.produced('k1-2', 'confirmed', { key: 'k1', seq: 2 });
    history.produced('k2-1', 'confirmed', { key: 'k2', seq: 1 });
    history.applied('k1-2');
    history.applied('k2-1');
    history.applied('k1-1');
    history.leaderChanged('partition 0: 1 → 2');
    const report = history.check();
    expect(report.outOfOrder).toEqual([{ key: 'k1', id: 'k1-1', seq: 1, after: 2 }]);
    expect(report.problems).toEqual(['1 applied out of order within their key: k1#1 after #2']);
  });

  it('names the first five ids of a problem and counts the rest', () => {
    const entries: HistoryEntry[] = [redelivered('x')];
    for (let i = 1; i <= 8; i++) entries.push(produced(`m${i}`));
    const report = checkHistory(entries);
    expect(report.problems).toEqual(['8 confirmed but never applied (lost): m1, m2, m3, m4, m5 and 3 more']);
    expect(report.lost).toHaveLength(8);
  });

  it('summarises a run in one line', () => {
    const report = checkHistory([
      produced('a'),
      produced('b', 'unknown'),
      applied('a'),
      applied('b'),
      redelivered('a'),
    ]);
    expect(report.summary).toBe(
      '2 produced (1 confirmed, 0 failed, 1 unknown), 2 applied; lost 0, duplicated 0, unexpected 0, ' +
        'recovered 1, out of order 0; 1 redeliveries, 0 leader changes',
    );
  });
});
