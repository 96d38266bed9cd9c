import { describe, expect, it } from 'vitest';
import { Board, type BoardUpdate } from './board.ts';

const crossing = (label: string) => ({
  from: 'client',
  to: 'order',
  protocol: 'REST',
  label,
  at: '2030-01-01T00:00:00Z',
});

describe('console board', () => {
  it('lists a service as up while it reports, and as silent once it stops', () => {
    let now = 0;
    const board = new Board({ upForMs: 10_000, now: () => now });
    board.report('order', []);
    expect(board.services()).toEqual([{ name: 'order', lastSeen: new Date(0).toISOString(), up: true }]);
    now = 10_000;
    expect(board.services()[0]!.up).toBe(false);
  });

  it('passes each crossing on to listeners and keeps only the most recent ones', () => {
    const board = new Board({ keep: 2 });
    const updates: BoardUpdate[] = [];
    board.subscribe((u) => updates.push(u));
    board.report('order', [crossing('a'), crossing('b'), crossing('c')]);
    expect(updates.map((u) => u.kind)).toEqual(['services', 'crossing', 'crossing', 'crossing']);
    expect(board.recent().map((c) => c.label)).toEqual(['b', 'c']);
    expect(board.recent()[0]!.service).toBe('order');
  });
});
