// Prints an access token for a lab customer, got by the authorization code flow with PKCE:
//   node services/auth/src/cli/user-token.ts --user reader-1 --resource urn:commlab:order
import { parseArgs } from 'node:util';
import { signIn } from '@commlab/security';
import { labRegistry } from '../registry.ts';

const { values } = parseArgs({
  options: {
    issuer: { type: 'string', default: 'http://127.0.0.1:3090' },
    /** Where to reach the server when that is not the issuer URL. */
    url: { type: 'string' },
    client: { type: 'string', default: 'lab-cli' },
    'redirect-uri': { type: 'string', default: 'http://127.0.0.1/callback' },
    user: { type: 'string', default: 'reader-1' },
    password: { type: 'string' },
    resource: { type: 'string', default: 'urn:commlab:order' },
    scope: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});

// Lab defaults: the lab customer's password and every scope the lab registry allows lab-cli there.
const password = values.password ?? labRegistry.users.find((u) => u.id === values.user)?.password ?? '';
const scope =
  values.scope ?? labRegistry.clients.find((c) => c.id === values.client)?.allow[values.resource]?.join(' ') ?? '';

try {
  const tokens = await signIn({
    issuer: values.issuer,
    ...(values.url && { baseUrl: values.url }),
    clientId: values.client,
    redirectUri: values['redirect-uri'],
    username: values.user,
    password,
    resource: values.resource,
    scope,
  });
  console.log(values.json ? JSON.stringify(tokens, null, 2) : tokens.access_token);
} catch (err) {
  console.error(`user-token: ${(err as Error).message}`);
  process.exitCode = 1;
}
