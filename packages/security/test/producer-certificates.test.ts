import { execFileSync } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkEventProducer, producerKeysFromCertificates, producerTrust, signEvent } from '../src/index.ts';

// The shape infra/certs gives each service: an EC key and a certificate from the lab CA with
// its SPIFFE ID as a URI SAN. Made here with openssl, in a temporary folder, for this test only.
const dir = mkdtempSync(join(tmpdir(), 'commlab-certs-'));
const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });

function makeCa(name: string) {
  openssl(
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.pem`,
  );
}
function makeCert(ca: string, name: string, sans: string) {
  writeFileSync(join(dir, `${name}.ext`), `subjectAltName=${sans}\n`);
  openssl(
    'req',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-subj',
    `/CN=${name}`,
    '-keyout',
    `${name}.key`,
    '-out',
    `${name}.csr`,
  );
  openssl(
    'x509',
    '-req',
    '-in',
    `${name}.csr`,
    '-CA',
    `${ca}.pem`,
    '-CAkey',
    `${ca}.key`,
    '-CAcreateserial',
    '-days',
    '1',
    '-extfile',
    `${name}.ext`,
    '-out',
    `${name}.pem`,
  );
}
const read = (file: string) => readFileSync(join(dir, file));

describe('producer keys from the services’ certificates', () => {
  beforeAll(() => {
    makeCa('lab-ca');
    makeCa('other-ca');
    makeCert('lab-ca', 'order', 'URI:spiffe://commlab/order,DNS:order');
    makeCert('lab-ca', 'anonymous', 'DNS:anonymous');
    makeCert('other-ca', 'impostor', 'URI:spiffe://commlab/order');
  });

  it('maps each certificate’s SPIFFE ID to its key, and an event signed with that key checks out', () => {
    const keys = producerKeysFromCertificates(read('lab-ca.pem'), [read('order.pem')]);
    expect([...keys.keys()]).toEqual(['spiffe://commlab/order']);
    const trust = producerTrust({
      'spiffe://commlab/order': {
        key: keys.get('spiffe://commlab/order')!,
        source: '/commlab/order',
        types: ['commlab.order.*'],
      },
    });
    const event = {
      specversion: '1.0',
      id: 'e-1',
      source: '/commlab/order',
      type: 'commlab.order.placed.v1',
      subject: 'o-1',
      data: {},
    };
    const signed = signEvent(event, {
      identity: 'spiffe://commlab/order',
      privateKey: createPrivateKey(read('order.key')),
    });
    expect(checkEventProducer(signed, trust)).toMatchObject({ ok: true, producer: 'spiffe://commlab/order' });
  });

  it('refuses a certificate from another CA, even one naming a known SPIFFE ID', () => {
    expect(() => producerKeysFromCertificates(read('lab-ca.pem'), [read('impostor.pem')])).toThrow(
      /not issued by the CA/,
    );
  });

  it('refuses a certificate without a SPIFFE ID', () => {
    expect(() => producerKeysFromCertificates(read('lab-ca.pem'), [read('anonymous.pem')])).toThrow(
      /exactly one SPIFFE ID \(has 0\)/,
    );
  });
});
