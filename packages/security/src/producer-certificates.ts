import { X509Certificate, type KeyObject } from 'node:crypto';

/**
 * Producer keys from the services' certificates (the ones their mTLS identities use): each
 * certificate must be issued by the lab CA and name exactly one SPIFFE ID in its URI SANs;
 * that ID becomes the producer identity. Validity dates are not checked here: an event
 * signed before a certificate was rotated stays verifiable while the consumer keeps the old
 * certificate in its trust store.
 */
export function producerKeysFromCertificates(caPem: string | Buffer, certificatePems: readonly (string | Buffer)[]) {
  const ca = new X509Certificate(caPem);
  const keys = new Map<string, KeyObject>();
  for (const pem of certificatePems) {
    const certificate = new X509Certificate(pem);
    if (!certificate.checkIssued(ca) || !certificate.verify(ca.publicKey)) {
      throw new Error(`certificate ${certificate.subject} is not issued by the CA ${ca.subject}`);
    }
    const ids = spiffeIds(certificate);
    if (ids.length !== 1)
      throw new Error(`certificate ${certificate.subject} must name exactly one SPIFFE ID (has ${ids.length})`);
    keys.set(ids[0]!, certificate.publicKey);
  }
  return keys;
}

/** The SPIFFE IDs among a certificate's URI SANs. */
export function spiffeIds(certificate: X509Certificate): string[] {
  // Node lists SANs as "URI:spiffe://…, DNS:…"; values with special characters come JSON-quoted.
  return (certificate.subjectAltName ?? '')
    .split(/, (?=[A-Za-z ]+:)/)
    .map((entry) => entry.trim())
    .filter((entry) => entry.startsWith('URI:'))
    .map((entry) => entry.slice(4))
    .map((value) => (value.startsWith('"') ? (JSON.parse(value) as string) : value))
    .filter((uri) => uri.startsWith('spiffe://'));
}
