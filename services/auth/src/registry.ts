import { readFileSync } from 'node:fs';
import Type, { type Static } from 'typebox';
import Value from 'typebox/value';
import { ConfigError } from '@commlab/kit';

const ScopeName = Type.String({ pattern: '^[\\x21\\x23-\\x5B\\x5D-\\x7E]+$', description: 'an RFC 6749 scope token' });
// RFC 8707: a resource indicator is an absolute URI without a fragment.
const ResourceIndicator = '^[a-zA-Z][a-zA-Z0-9+.-]*:[^#\\s]+$';
/** Resource indicator → the scopes this client may ask for there. */
const Allowed = Type.Record(Type.String({ pattern: ResourceIndicator }), Type.Array(ScopeName, { minItems: 1 }));

const ServiceClient = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    kind: Type.Literal('service'),
    secret: Type.String({ minLength: 8, description: 'client secret (client_secret_basic)' }),
    allow: Allowed,
  },
  { additionalProperties: false },
);

const PublicClient = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    kind: Type.Literal('public'),
    /** web: a browser page; native: a command-line or desktop client (loopback redirect). */
    applicationType: Type.Union([Type.Literal('web'), Type.Literal('native')], { default: 'web' }),
    redirectUris: Type.Array(Type.String({ pattern: '^https?://' }), { minItems: 1 }),
    allow: Allowed,
  },
  { additionalProperties: false },
);

export const Registry = Type.Object(
  {
    /** Resource servers (APIs), by resource indicator; the indicator is the tokens' audience. */
    resources: Type.Record(
      Type.String({ pattern: ResourceIndicator }),
      Type.Object({ scopes: Type.Array(ScopeName, { minItems: 1 }) }, { additionalProperties: false }),
    ),
    clients: Type.Array(Type.Union([ServiceClient, PublicClient])),
    /** Who can sign in on the login page (lab accounts, the customers of the order service). */
    users: Type.Array(
      Type.Object(
        { id: Type.String({ pattern: '^[A-Za-z0-9._-]{1,64}$' }), password: Type.String({ minLength: 1 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export type Registry = Static<typeof Registry>;

/** The resource indicator of this server's own admin API (key rotation). */
export const adminResource = 'urn:commlab:auth';
export type RegisteredClient = Registry['clients'][number];

/**
 * Who may get which token when no AUTH_REGISTRY_FILE is given. The secrets and passwords are
 * the lab's throwaway values, written in the guides; set your own file anywhere else.
 */
export const labRegistry: Registry = {
  resources: {
    'urn:commlab:order': { scopes: ['orders:read', 'orders:write'] },
    'urn:commlab:inventory': { scopes: ['inventory:read', 'inventory:reserve', 'inventory:adjust'] },
    'urn:commlab:notification': { scopes: ['notifications:read'] },
    'urn:commlab:auth': { scopes: ['keys:read', 'keys:rotate'] },
  },
  clients: [
    // The order service reserves stock: it may read and reserve, never adjust.
    {
      id: 'order',
      kind: 'service',
      secret: 'order-lab-secret',
      allow: { 'urn:commlab:inventory': ['inventory:read', 'inventory:reserve'] },
    },
    // The lab console's server: places the page's orders through the order API (lab 09), for any
    // lab customer, as services do.
    {
      id: 'lab-console',
      kind: 'service',
      secret: 'lab-console-secret',
      allow: { 'urn:commlab:order': ['orders:read', 'orders:write'] },
    },
    // pnpm lab verify: places and reads back one order (customer lab-verify).
    {
      id: 'lab-verify',
      kind: 'service',
      secret: 'lab-verify-secret',
      allow: { 'urn:commlab:order': ['orders:read', 'orders:write'] },
    },
    // The lab's operator: rotates the signing keys.
    {
      id: 'lab-admin',
      kind: 'service',
      secret: 'lab-admin-secret',
      allow: { 'urn:commlab:auth': ['keys:read', 'keys:rotate'] },
    },
    // A reader in a browser (the lab console page): orders and notifications of the signed-in customer.
    {
      id: 'console',
      kind: 'public',
      applicationType: 'web',
      redirectUris: ['http://127.0.0.1:3080/callback', 'http://localhost:3080/callback'],
      allow: {
        'urn:commlab:order': ['orders:read', 'orders:write'],
        'urn:commlab:notification': ['notifications:read'],
      },
    },
    // A reader in a terminal: the guides' user-token command, which walks the browser's steps. As a
    // 'native' client, oidc-provider would ask consent on every sign-in (RFC 8252 §8.6), which
    // this server, having no consent page, refuses.
    {
      id: 'lab-cli',
      kind: 'public',
      applicationType: 'web',
      redirectUris: ['http://127.0.0.1/callback'],
      allow: {
        'urn:commlab:order': ['orders:read', 'orders:write'],
        'urn:commlab:notification': ['notifications:read'],
      },
    },
  ],
  users: [
    { id: 'reader-1', password: 'reader-1-password' },
    { id: 'reader-2', password: 'reader-2-password' },
  ],
};

/** The registry from a JSON file, or the lab's; every problem is reported together, naming where. */
export function loadRegistry(file: string | undefined): Registry {
  if (file === undefined) return checked(labRegistry, 'the lab registry');
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError([`AUTH_REGISTRY_FILE: cannot read ${file} as JSON (${(err as Error).message})`]);
  }
  return checked(raw, `AUTH_REGISTRY_FILE ${file}`);
}

function checked(raw: unknown, where: string): Registry {
  const value = Value.Default(Registry, structuredClone(raw));
  if (!Value.Check(Registry, value)) {
    throw new ConfigError(Value.Errors(Registry, value).map((e) => `${where} ${e.instancePath || '/'}: ${e.message}`));
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  value.clients.forEach((client, i) => {
    if (seen.has(client.id)) problems.push(`${where} /clients/${i}: client id ${client.id} is used twice`);
    seen.add(client.id);
    for (const [resource, scopes] of Object.entries(client.allow)) {
      const known = value.resources[resource];
      if (!known) {
        problems.push(`${where} /clients/${i}/allow: ${resource} is not a resource of the registry`);
        continue;
      }
      for (const scope of scopes.filter((s) => !known.scopes.includes(s))) {
        problems.push(`${where} /clients/${i}/allow: ${scope} is not a scope of ${resource}`);
      }
    }
  });
  const users = value.users.map((u) => u.id);
  if (new Set(users).size !== users.length) problems.push(`${where} /users: a user id is used twice`);
  if (problems.length > 0) throw new ConfigError(problems);
  return value;
}
