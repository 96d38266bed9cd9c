import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, undocumentedVariables } from '@commlab/kit';
import { checkOrderConfig, OrderConfig } from './config.ts';

describe('order configuration', () => {
  it('lists every variable it reads in the README table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(undocumentedVariables(OrderConfig, readme)).toEqual([]);
  });

  it.each([
    ['INVENTORY_DEADLINE_MS', '-600'],
    ['CALL_TIMEOUT_MS', '-1'],
    ['BREAKER_ERROR_PERCENT', '150'],
    ['SHED_EVENT_LOOP_PERCENT', '150'],
    ['SHED_EVENT_LOOP_DELAY_MS', '-5'],
    ['INVENTORY_FALLBACK', 'maybe'],
    ['PENDING_RETRY_MS', '0'],
  ])('refuses %s=%s at start-up, naming the variable and the value', (name, value) => {
    const load = () => loadConfig(OrderConfig, { [name]: value });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`${name}: .*\\(got "?${value}"?\\)`));
  });

  it('refuses the pending fallback with async checkout, which accepts every order pending already', () => {
    const config = loadConfig(OrderConfig, {
      INVENTORY_FALLBACK: 'pending',
      CHECKOUT_MODE: 'async',
      EVENT_BUS: 'rabbitmq',
    });
    expect(() => checkOrderConfig(config)).toThrow(
      /INVENTORY_FALLBACK: pending is a fallback of sync checkout \(got CHECKOUT_MODE=async/,
    );
  });
});
