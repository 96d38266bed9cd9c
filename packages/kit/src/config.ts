import Type, { type Static, type TObject } from 'typebox';
import Value from 'typebox/value';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/**
 * Reads a service's configuration from environment variables, once, at start-up.
 * Every property of `schema` is an environment variable name; defaults come from the
 * schema, strings are converted to the declared types, and every bad or missing
 * variable is reported together by name. Nothing else in a service reads process.env.
 */
export function loadConfig<T extends TObject>(schema: T, env: NodeJS.ProcessEnv = process.env): Static<T> {
  const raw: Record<string, unknown> = {};
  for (const key of Object.keys(schema.properties)) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  const value = Value.Convert(schema, Value.Default(schema, raw));
  if (Value.Check(schema, value)) return value;

  const problems = Value.Errors(schema, value).map((error) => {
    const name = error.instancePath.replace(/^\//, '') || missingName(error.params);
    const given = name in raw ? ` (got ${JSON.stringify(raw[name])})` : ' (not set)';
    const property = schema.properties[name] as { description?: string; anyOf?: { const?: unknown }[] } | undefined;
    const description = property?.description;
    return `${name}: ${choicesOf(property) ?? error.message}${given}${description ? ` — ${description}` : ''}`;
  });
  throw new ConfigError([...new Set(problems)]);
}

/** A setting that is one of a few words says which, rather than two lines of schema jargon. */
function choicesOf(property: { anyOf?: { const?: unknown }[] } | undefined): string | undefined {
  const choices = property?.anyOf?.map((option) => option.const);
  if (!choices?.length || choices.some((choice) => typeof choice !== 'string')) return undefined;
  return `must be one of ${choices.join(', ')}`;
}

function missingName(params: unknown): string {
  const required = (params as { requiredProperties?: string[] }).requiredProperties;
  return required?.join(', ') ?? '?';
}

/** Settings every commlab process shares. */
export const CommonConfig = {
  SERVICE_NAME: Type.Optional(Type.String({ description: 'name in logs and telemetry' })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info', description: 'pino log level' },
  ),
  LOG_FORMAT: Type.Union([Type.Literal('auto'), Type.Literal('json'), Type.Literal('pretty')], {
    default: 'auto',
    description: 'auto = pretty on a terminal, JSON otherwise',
  }),
  HOST: Type.String({ default: '127.0.0.1', description: 'interface to listen on (0.0.0.0 in containers)' }),
  DATA_DIR: Type.String({ default: '.run/data', description: 'where a service keeps its files' }),
  CONSOLE_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'lab console base URL; set, the service reports edge crossings',
    }),
  ),
};
