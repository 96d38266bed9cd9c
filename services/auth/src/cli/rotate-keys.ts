// Starts a signing-key rotation and prints the schedule, as the lab-admin client:
//   node services/auth/src/cli/rotate-keys.ts [--issuer http://127.0.0.1:3090] [--show]
import { parseArgs } from 'node:util';
import { createTokenClient } from '@commlab/security';
import { adminResource, labRegistry } from '../registry.ts';

const { values } = parseArgs({
  options: {
    issuer: { type: 'string', default: 'http://127.0.0.1:3090' },
    client: { type: 'string', default: 'lab-admin' },
    secret: { type: 'string' },
    /** Only show the keys and their schedule. */
    show: { type: 'boolean', default: false },
  },
});
const labSecret = labRegistry.clients.find((c) => c.id === values.client && c.kind === 'service');

try {
  const token = await createTokenClient({
    tokenUrl: `${values.issuer}/token`,
    clientId: values.client,
    clientSecret: values.secret ?? (labSecret?.kind === 'service' ? labSecret.secret : ''),
    resource: adminResource,
    scopes: [values.show ? 'keys:read' : 'keys:rotate'],
  }).token();
  const response = await fetch(`${values.issuer}/admin/keys${values.show ? '' : '/rotate'}`, {
    method: values.show ? 'GET' : 'POST',
    headers: { authorization: `Bearer ${token}` },
  });
  const body = (await response.json()) as { keys?: object[]; detail?: string };
  if (!response.ok) throw new Error(`HTTP ${response.status}: ${body.detail ?? JSON.stringify(body)}`);
  for (const key of body.keys ?? []) console.log(JSON.stringify(key));
} catch (err) {
  console.error(`rotate-keys: ${(err as Error).message}`);
  process.exitCode = 1;
}
