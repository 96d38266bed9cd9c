import { describe, expect, it } from 'vitest';
import { etagOf, noneMatch, parseTagList, versionsIn } from './conditional.ts';

const at = (version: number) => ({
  id: 'o-1',
  customerId: 'c',
  status: 'confirmed' as const,
  lines: [],
  createdAt: '',
  version,
});

describe('conditional request headers', () => {
  it('tags an order with its version, quoted (a strong entity tag)', () => {
    expect(etagOf(at(3))).toBe('"v3"');
  });

  it('parses *, one tag, or a list of strong and weak tags', () => {
    expect(parseTagList(' * ')).toBe('*');
    expect(parseTagList('"v1"')).toEqual([{ weak: false, opaque: 'v1' }]);
    expect(parseTagList('W/"v1", "v2"')).toEqual([
      { weak: true, opaque: 'v1' },
      { weak: false, opaque: 'v2' },
    ]);
  });

  it('refuses what is not an entity tag', () => {
    for (const bad of ['v1', '"v1', '"v1" "v2"', 'w/"v1"', '']) expect(() => parseTagList(bad), bad).toThrow();
  });

  it('If-None-Match compares weakly: W/"v2" still means "I have version 2"', () => {
    expect(noneMatch(parseTagList('W/"v2"'), at(2))).toBe(false);
    expect(noneMatch(parseTagList('"v1", "v2"'), at(2))).toBe(false);
    expect(noneMatch(parseTagList('"v1"'), at(2))).toBe(true);
    expect(noneMatch('*', at(2))).toBe(false);
  });

  it('If-Match compares strongly: weak or foreign tags accept no version, * accepts any', () => {
    expect(versionsIn(parseTagList('"v2", W/"v3", "etc"'))).toEqual([2]);
    expect(versionsIn(parseTagList('W/"v3"'))).toEqual([]);
    expect(versionsIn('*')).toBeUndefined();
  });
});
