import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@commlab/kit';
import { ResilienceSchema } from './config.ts';

describe('resilience configuration', () => {
  it('changes nothing by default: one attempt, no breaker, only the caller deadline', () => {
    expect(loadConfig(ResilienceSchema, {})).toMatchObject({
      CALL_TIMEOUT_MS: 0,
      RETRY_MAX_ATTEMPTS: 1,
      BREAKER: 'none',
    });
  });

  it.each([
    ['CALL_TIMEOUT_MS', '-100'],
    ['BREAKER_ERROR_PERCENT', '150'],
    ['RETRY_BUDGET_PERCENT', '101'],
    ['BREAKER', 'on'],
  ])('refuses %s=%s, naming the variable and the value', (name, value) => {
    const load = () => loadConfig(ResilienceSchema, { [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`${name}: .*\\(got "?${value}"?\\)`));
  });
});
