import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { undocumentedVariables } from '@commlab/kit';
import { PaymentConfig } from './config.ts';

describe('payment configuration', () => {
  it('lists every variable it reads in the README table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(undocumentedVariables(PaymentConfig, readme)).toEqual([]);
  });
});
