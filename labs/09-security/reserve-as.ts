// Calls inventory's Reserve over mTLS as some service of the lab PKI, with order's token:
//   node labs/09-security/reserve-as.ts order|notification [--expired|--foreign|--no-cert|--plain] [--addr 127.0.0.1:50051]
// Order's token comes as order gets it: from auth's mTLS port, with order's certificate (its
// secret alone gets none), whichever certificate the call to inventory then presents.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { credentials, Metadata, status, type ServiceError } from '@grpc/grpc-js';
import { Agent, fetch } from 'undici';
import { loadInventoryProto } from '@commlab/contracts';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    addr: { type: 'string', default: '127.0.0.1:50051' },
    auth: { type: 'string', default: 'https://127.0.0.1:3091' },
    expired: { type: 'boolean', default: false },
    foreign: { type: 'boolean', default: false },
    'no-cert': { type: 'boolean', default: false },
    plain: { type: 'boolean', default: false },
  },
});
const name = positionals[0] ?? 'order';
const certs = join(new URL('../../', import.meta.url).pathname, '.run/certs');
const folder = values.expired ? 'expired' : values.foreign ? 'foreign' : '';
const file = (f: string) => readFileSync(join(certs, f));

const channel = values.plain
  ? credentials.createInsecure()
  : values['no-cert']
    ? credentials.createSsl(file('ca.crt'))
    : credentials.createSsl(file('ca.crt'), file(join(folder, `${name}.pem`)), file(join(folder, `${name}.pem`)));

const asOrder = new Agent({ connect: { ca: file('ca.crt'), cert: file('order.pem'), key: file('order.pem') } });
const response = await fetch(`${values.auth}/token`, {
  dispatcher: asOrder,
  method: 'POST',
  headers: { authorization: `Basic ${Buffer.from('order:order-lab-secret').toString('base64')}` },
  body: new URLSearchParams({
    grant_type: 'client_credentials',
    resource: 'urn:commlab:inventory',
    scope: 'inventory:reserve',
  }),
});
const { access_token: token } = (await response.json()) as { access_token: string };
await asOrder.close();

const { InventoryService } = loadInventoryProto().commlab.inventory.v1;
// The certificates name localhost as well as 127.0.0.1; checking the name, not the IP, keeps
// Node from warning that TLS server names may not be IP addresses (RFC 6066).
const inventory = new InventoryService(values.addr, channel, { 'grpc.ssl_target_name_override': 'localhost' });
const metadata = new Metadata();
metadata.set('authorization', `Bearer ${token}`);
inventory.Reserve(
  { reservationId: `guide-${Date.now()}`, lines: [{ sku: 'KB-001', quantity: 1 }] },
  metadata,
  { deadline: new Date(Date.now() + 5_000) },
  (err: ServiceError | null) => {
    console.log(err ? `${status[err.code]}: ${err.details.split('. Last error')[0]}` : 'OK: reserved');
    inventory.close();
  },
);
