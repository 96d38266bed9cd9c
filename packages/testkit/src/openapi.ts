import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped.
const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => void;

/** A response as received, for checking against the API's own OpenAPI document. */
export interface ReceivedResponse {
  method: string;
  /** The request URL or path; a query string is ignored. */
  url: string;
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { responses?: Record<string, OpenApiResponse> }>>;
}

interface OpenApiResponse {
  content?: Record<string, unknown>;
  headers?: Record<string, unknown>;
}

const pointer = (...segments: string[]) =>
  segments.map((s) => encodeURIComponent(s.replaceAll('~', '~0').replaceAll('/', '~1'))).join('/');

/**
 * Checks responses against an OpenAPI 3.1 document (JSON Schema 2020-12, by Ajv): the path,
 * method and status must be documented, the body must match the schema of its content type
 * (no body where none is documented), and every documented header that is present must match
 * its schema. Returns what is wrong, or nothing.
 */
export function openApiChecker(document: object): (response: ReceivedResponse) => string[] {
  const doc = document as OpenApiDocument;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ ...document, $id: 'openapi.json' });
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (...path: string[]) => {
    const ref = `openapi.json#/${pointer(...path)}`;
    let validate = compiled.get(ref);
    if (!validate) compiled.set(ref, (validate = ajv.compile({ $ref: ref })));
    return validate;
  };
  const templates = Object.keys(doc.paths).map((template) => ({
    template,
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
  }));

  return ({ method, url, status, headers, body }) => {
    const path = new URL(url, 'http://x').pathname;
    const where = `${method} ${path} → ${status}`;
    const template = templates.find((t) => t.pattern.test(path))?.template;
    if (!template) return [`${where}: path not in the OpenAPI document`];
    const verb = method.toLowerCase();
    const responses = doc.paths[template]![verb]?.responses;
    if (!responses) return [`${where}: ${method} ${template} not in the OpenAPI document`];
    const code = [String(status), `${String(status)[0]}XX`, 'default'].find((c) => responses[c]);
    if (!code) return [`${where}: status not documented (documented: ${Object.keys(responses).join(', ')})`];
    const documented = responses[code]!;
    const problems: string[] = [];

    const headerOf = (name: string) => {
      const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name.toLowerCase());
      return entry?.[1] === undefined ? undefined : String(entry[1]);
    };
    for (const name of Object.keys(documented.headers ?? {})) {
      const value = headerOf(name);
      if (value === undefined) continue;
      const validate = validatorAt('paths', template, verb, 'responses', code, 'headers', name, 'schema');
      if (!validate(value)) problems.push(`${where}: header ${name}: ${value} ${ajv.errorsText(validate.errors)}`);
    }

    const contentType = headerOf('content-type')?.split(';')[0]!.trim();
    if (!documented.content) {
      if (body.length > 0) problems.push(`${where}: a body where none is documented`);
      return problems;
    }
    if (!contentType || !(contentType in documented.content)) {
      return [...problems, `${where}: content-type ${contentType} not documented`];
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return [...problems, `${where}: body is not JSON`];
    }
    const validate = validatorAt('paths', template, verb, 'responses', code, 'content', contentType, 'schema');
    if (!validate(parsed)) problems.push(`${where}: body ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`);
    return problems;
  };
}
