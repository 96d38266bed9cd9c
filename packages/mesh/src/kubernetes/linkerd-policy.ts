import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/**
 * Linkerd's policy resources (policy.linkerd.io). No model package exists for them, so they are
 * typed here and checked against the schemas of Linkerd's own CRDs, vendored under
 * linkerd-crds/ from linkerd/linkerd2's chart (charts/linkerd-crds/templates/policy).
 */
interface Meta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

interface Ref {
  group?: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface LinkerdServer {
  apiVersion: 'policy.linkerd.io/v1beta3';
  kind: 'Server';
  metadata: Meta;
  spec: {
    podSelector: { matchLabels: Record<string, string> };
    port: number | string;
    proxyProtocol?: 'unknown' | 'HTTP/1' | 'HTTP/2' | 'gRPC' | 'opaque' | 'TLS';
    accessPolicy?: 'deny' | 'all-unauthenticated' | 'all-authenticated' | 'cluster-unauthenticated';
  };
}

export interface LinkerdMeshTLSAuthentication {
  apiVersion: 'policy.linkerd.io/v1alpha1';
  kind: 'MeshTLSAuthentication';
  metadata: Meta;
  spec: { identityRefs: { kind: 'ServiceAccount'; name: string; namespace?: string }[] } | { identities: string[] };
}

export interface LinkerdAuthorizationPolicy {
  apiVersion: 'policy.linkerd.io/v1alpha1';
  kind: 'AuthorizationPolicy';
  metadata: Meta;
  spec: { targetRef: Ref; requiredAuthenticationRefs: Ref[] };
}

export type LinkerdPolicy = LinkerdServer | LinkerdMeshTLSAuthentication | LinkerdAuthorizationPolicy;

const crdFiles: Record<LinkerdPolicy['kind'], string> = {
  Server: 'server.yaml',
  AuthorizationPolicy: 'authorization-policy.yaml',
  MeshTLSAuthentication: 'meshtls-authentication.yaml',
};

type Schema = Record<string, unknown>;

interface Crd {
  spec: { group: string; names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] };
}

/**
 * A CRD's structural schema as plain JSON Schema. `x-kubernetes-int-or-string` becomes integer
 * or string; an object that lists its properties and does not keep unknown fields
 * (`x-kubernetes-preserve-unknown-fields`) gets `additionalProperties: false`, as the API
 * server's strict field validation (kubectl's default) refuses an unknown field rather than
 * silently dropping it. Other x-kubernetes-* keys say nothing JSON Schema can check.
 */
export function jsonSchemaOf(schema: Schema): Schema {
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    if (key === 'properties') {
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, Schema>).map(([name, sub]) => [name, jsonSchemaOf(sub)]),
      );
    } else if (key === 'items' || key === 'additionalProperties') {
      out[key] = typeof value === 'object' ? jsonSchemaOf(value as Schema) : value;
    } else if (key === 'oneOf' || key === 'anyOf' || key === 'allOf') {
      out[key] = (value as Schema[]).map(jsonSchemaOf);
    } else {
      out[key] = value;
    }
  }
  if (schema['x-kubernetes-int-or-string']) {
    delete out.type;
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  if (out.properties && !schema['x-kubernetes-preserve-unknown-fields'] && !('additionalProperties' in out)) {
    out.additionalProperties = false;
  }
  return out;
}

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = new Map<string, ValidateFunction>();

function validatorFor(apiVersion: string, kind: LinkerdPolicy['kind']): ValidateFunction {
  const key = `${apiVersion}/${kind}`;
  const known = validators.get(key);
  if (known) return known;
  const file = crdFiles[kind];
  if (!file) throw new Error(`no Linkerd CRD for kind ${kind}`);
  const text = readFileSync(join(import.meta.dirname, 'linkerd-crds', file), 'utf8');
  const crd = parseAllDocuments(text)
    .map((doc) => doc.toJS() as Crd | null)
    .find((doc) => doc?.spec?.names?.kind === kind)!;
  const [group, version] = apiVersion.split('/');
  const served = crd.spec.versions.find((v) => v.name === version);
  if (group !== crd.spec.group || !served) {
    throw new Error(
      `${kind}: Linkerd's CRD serves no ${apiVersion} (it serves ${crd.spec.versions.map((v) => v.name).join(', ')})`,
    );
  }
  const root = jsonSchemaOf(served.schema.openAPIV3Schema);
  const validate = ajv.compile({
    ...root,
    required: ['apiVersion', 'kind', 'metadata', ...((root.required as string[] | undefined) ?? [])],
    properties: {
      ...(root.properties as Schema),
      apiVersion: { const: apiVersion },
      kind: { const: kind },
      metadata: {
        type: 'object',
        required: ['name'],
        additionalProperties: false,
        properties: {
          name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$', maxLength: 253 },
          namespace: { type: 'string' },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
          annotations: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
    },
  });
  validators.set(key, validate);
  return validate;
}

/** Checks a Linkerd policy object against its CRD's schema; throws naming every problem. */
export function validateLinkerdPolicy(object: { apiVersion: string; kind: string }): void {
  const { kind } = object;
  const validate = validatorFor(object.apiVersion, kind as LinkerdPolicy['kind']);
  const name = (object as { metadata?: { name?: string } }).metadata?.name ?? '?';
  if (validate(object)) return;
  const problems = (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
  throw new Error(`${kind} ${name} does not match Linkerd's CRD:\n  ${[...new Set(problems)].join('\n  ')}`);
}
