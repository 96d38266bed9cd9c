import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { undocumentedProblems } from '@commlab/kit';
import { inventoryProblems } from './problems.ts';

describe('inventory problem types', () => {
  it('are each documented in docs/contracts.md', () => {
    const contracts = readFileSync(new URL('../../../../docs/contracts.md', import.meta.url), 'utf8');
    expect(undocumentedProblems(inventoryProblems.types, contracts)).toEqual([]);
  });
});
