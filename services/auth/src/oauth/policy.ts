import type { Registry } from '../registry.ts';

/**
 * Who may get a token for which resource and scopes, read from the registry. Pure functions:
 * the provider adapter turns a refusal into the OAuth error (invalid_target, invalid_scope).
 */
export type Refusal = { error: 'invalid_target' | 'invalid_scope'; description: string; scope?: string };

export interface Grantable {
  /** The scopes a token for this resource may carry for this client. */
  scopes: string[];
}

/** The scopes `clientId` may have at `resource`, or the refusal to explain why it may not ask. */
export function grantable(
  registry: Registry,
  clientId: string,
  resource: string,
  request: { scopes: readonly string[]; resources: number },
): Grantable | Refusal {
  const known = registry.resources[resource];
  if (!known) return { error: 'invalid_target', description: `${resource} is not a resource of this server` };
  const allowed = registry.clients.find((c) => c.id === clientId)?.allow[resource];
  if (!allowed)
    return { error: 'invalid_target', description: `client ${clientId} may not get tokens for ${resource}` };
  for (const scope of request.scopes) {
    if (known.scopes.includes(scope)) {
      if (!allowed.includes(scope)) {
        return {
          error: 'invalid_scope',
          description: `client ${clientId} may not have ${scope} at ${resource}`,
          scope,
        };
      }
    } else if (request.resources === 1) {
      // With one resource, a scope it does not define is a mistake worth naming, not dropping.
      return { error: 'invalid_scope', description: `${scope} is not a scope of ${resource}`, scope };
    }
  }
  return { scopes: allowed };
}

/** The resource a request without `resource` means: the client's only one, else none (it must say). */
export function defaultResource(registry: Registry, clientId: string): string | Refusal {
  const resources = Object.keys(registry.clients.find((c) => c.id === clientId)?.allow ?? {});
  if (resources.length === 1) return resources[0]!;
  return {
    error: 'invalid_target',
    description: `name the resource (RFC 8707 resource parameter): one of ${resources.join(', ') || '(none)'}`,
  };
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && 'error' in value;
}
