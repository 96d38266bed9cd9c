import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '@commlab/kit';
import { checkOrderConfig, OrderConfig } from './config.ts';

describe('order configuration', () => {
  it('lists every variable it reads in the README table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    for (const name of Object.keys(OrderConfig.properties)) expect(readme).toMatch(new RegExp(`\\| \`${name}\` +\\|`));
  });
});

describe('order configuration for events', () => {
  it('refuses async checkout without an event bus, naming both variables', () => {
    const config = loadConfig(OrderConfig, { CHECKOUT_MODE: 'async' });
    expect(() => checkOrderConfig(config)).toThrow(ConfigError);
    expect(() => checkOrderConfig(config)).toThrow(/CHECKOUT_MODE.*EVENT_BUS=none/);
  });

  it('accepts async checkout over RabbitMQ, and sync checkout without a bus', () => {
    expect(() =>
      checkOrderConfig(loadConfig(OrderConfig, { CHECKOUT_MODE: 'async', EVENT_BUS: 'rabbitmq' })),
    ).not.toThrow();
    expect(() => checkOrderConfig(loadConfig(OrderConfig, {}))).not.toThrow();
  });

  it.each([
    ['CHECKOUT_MODE', 'later'],
    ['EVENT_BUS', 'redis'],
    ['AMQP_URL', 'http://127.0.0.1:5672'],
    ['EVENT_NAMESPACE', 'Has Spaces'],
    ['EVENT_RELAY_INTERVAL_MS', '0'],
  ])('names %s when its value is invalid', (name, value) => {
    expect(() => loadConfig(OrderConfig, { [name]: value })).toThrow(new RegExp(`${name}: .*\\(got "?${value}"?\\)`));
  });
});
