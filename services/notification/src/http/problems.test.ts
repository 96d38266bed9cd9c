import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { undocumentedProblems } from '@commlab/kit';
import { notificationProblems } from './problems.ts';

describe('notification problem types', () => {
  it('are each documented in docs/contracts.md', () => {
    const contracts = readFileSync(new URL('../../../../docs/contracts.md', import.meta.url), 'utf8');
    expect(undocumentedProblems(notificationProblems.types, contracts)).toEqual([]);
  });
});
