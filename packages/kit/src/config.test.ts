import Type from 'typebox';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

const Schema = Type.Object({
  PORT: Type.Integer({ default: 3000, minimum: 1, maximum: 65535 }),
  INVENTORY_ADDR: Type.String({ description: 'host:port' }),
  DEBUG: Type.Optional(Type.Boolean()),
});

describe('loadConfig', () => {
  it('applies defaults and converts strings to the declared types', () => {
    expect(loadConfig(Schema, { INVENTORY_ADDR: 'inv:1', DEBUG: 'true' })).toEqual({
      PORT: 3000,
      INVENTORY_ADDR: 'inv:1',
      DEBUG: true,
    });
  });

  it('names every bad or missing variable in one error', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(Schema, { PORT: 'eighty' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.message).toMatch(/PORT: .*\(got "eighty"\)/);
    expect(error!.message).toMatch(/INVENTORY_ADDR/);
  });

  it('names the words a setting may be, once, when it is none of them', () => {
    const Mode = Type.Object({
      MODE: Type.Union([Type.Literal('none'), Type.Literal('pending')], { default: 'none' }),
    });
    let error: ConfigError | undefined;
    try {
      loadConfig(Mode, { MODE: 'maybe' });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error!.problems).toEqual(['MODE: must be one of none, pending (got "maybe")']);
  });

  it('ignores variables the schema does not name', () => {
    expect(loadConfig(Schema, { INVENTORY_ADDR: 'x:1', UNRELATED: 'y' })).not.toHaveProperty('UNRELATED');
  });
});
