import { Ajv, type Options } from 'ajv';
import type { FastifySchemaCompiler } from 'fastify';

// verbose: each error carries its schema, whose description explains a failed pattern.
const common: Options = { allErrors: true, removeAdditional: false, useDefaults: true, strict: false, verbose: true };

// A body must say what it means: "2" is not a quantity, and an unknown field is an error,
// not something to drop silently. Query strings and path parameters are always text, so
// there numbers are converted.
const bodyAjv = new Ajv({ ...common, coerceTypes: false });
const textAjv = new Ajv({ ...common, coerceTypes: 'array' });
for (const ajv of [bodyAjv, textAjv]) {
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  ajv.addFormat('date-time', { validate: (value: string) => !Number.isNaN(Date.parse(value)) });
}

export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema, httpPart }) =>
  (httpPart === 'body' ? bodyAjv : textAjv).compile(schema as object);
