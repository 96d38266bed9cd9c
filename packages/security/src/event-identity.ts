import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Type from 'typebox';
import { PoisonEventError, type CloudEvent, type EventHandler, type EventPublisher } from '@commlab/events';
import { producerKeysFromCertificates, spiffeIds } from './producer-certificates.ts';
import {
  checkEventProducer,
  producerTrust,
  signEvent,
  type EventSigner,
  type ProducerTrust,
  type SignableEvent,
} from './producer-identity.ts';

/**
 * Who produced an event, at a service's event seams (lab 09): published events are signed with
 * the service's own identity, and delivered events whose producer is missing, forged or not
 * allowed that type become poison — the bus adapter dead-letters them with the reason, and the
 * handler never runs. Both halves are the identity function when not configured.
 */
export interface EventIdentity {
  publisher(publisher: EventPublisher): EventPublisher;
  handler(handler: EventHandler): EventHandler;
}

export const noEventIdentity: EventIdentity = { publisher: (p) => p, handler: (h) => h };

/**
 * `traceparent` is left out of the signature on purpose: the Distributed Tracing extension lets
 * every hop rewrite it (the publisher's send span replaces it on the wire, lab 14), so signing
 * it would make every traced event look altered. It still travels, unsigned, for tracing only.
 */
const perHop = 'traceparent';

export function eventIdentity({ signer, trust }: { signer?: EventSigner; trust?: ProducerTrust }): EventIdentity {
  return {
    publisher: (publisher) =>
      signer
        ? {
            publish: (event) => publisher.publish(signed(event, signer)),
            close: () => publisher.close(),
          }
        : publisher,
    handler: (handle) =>
      trust
        ? async (event) => {
            const check = checkEventProducer(event as CloudEvent & SignableEvent, trust);
            if (!check.ok) throw new PoisonEventError(`producer refused: ${check.reason}`);
            // The handler sees only what was signed (plus the per-hop trace context).
            const verified = check.event as unknown as CloudEvent;
            await handle(event.traceparent ? { ...verified, traceparent: event.traceparent } : verified);
          }
        : handle,
  };
}

function signed(event: CloudEvent, signer: EventSigner): CloudEvent {
  // signEvent replaces any dssematerial and signedextattrs the event came with.
  const { [perHop]: traceparent, ...rest } = event;
  const withSignature = signEvent(rest as SignableEvent, signer) as unknown as CloudEvent;
  return traceparent ? { ...withSignature, traceparent } : withSignature;
}

/** The signer in a PEM file holding a certificate with one SPIFFE ID and its private key (certs.sh's `<name>.pem`). */
export function signerFromFile(file: string): EventSigner {
  const pem = readFileSync(file);
  const ids = spiffeIds(new X509Certificate(pem));
  if (ids.length !== 1) throw new Error(`${file}: the certificate must name exactly one SPIFFE ID (has ${ids.length})`);
  return { identity: ids[0]!, privateKey: createPrivateKey(pem) };
}

/**
 * The producers a consumer accepts, from `EVENT_PRODUCERS`
 * (`spiffe://commlab/order=commlab.order.*,spiffe://commlab/inventory=commlab.inventory.*`) and a
 * folder holding the lab CA (`ca.crt`) and each producer's certificate (`order.crt` for
 * spiffe://commlab/order). Each producer must claim the CloudEvents `source` its SPIFFE ID
 * names: spiffe://commlab/order → /commlab/order.
 */
export function trustFromFiles(producers: string, folder: string): ProducerTrust {
  const types = new Map<string, string[]>();
  for (const entry of producers.split(',')) {
    const [identity, type] = entry.split('=') as [string, string];
    types.set(identity, [...(types.get(identity) ?? []), type]);
  }
  const certificate = (identity: string) =>
    readFileSync(join(folder, `${new URL(identity).pathname.split('/').pop()}.crt`));
  const keys = producerKeysFromCertificates(readFileSync(join(folder, 'ca.crt')), [...types.keys()].map(certificate));
  return producerTrust(
    Object.fromEntries(
      [...types].map(([identity, allowed]) => {
        const key = keys.get(identity);
        if (!key) throw new Error(`${folder}: no certificate names ${identity}`);
        return [identity, { key, source: sourceOf(identity), types: allowed }];
      }),
    ),
  );
}

/** spiffe://commlab/order → /commlab/order: the CloudEvents source a workload's events carry. */
export function sourceOf(identity: string): string {
  const id = new URL(identity);
  return `/${id.host}${id.pathname}`;
}

/**
 * Who produced an event (lab 09): a service signs what it publishes with EVENT_SIGNER_FILE and
 * accepts only what EVENT_PRODUCERS allows. Unset, events travel unsigned and unchecked, as in
 * every other lab.
 */
export const eventIdentityConfig = {
  EVENT_SIGNER_FILE: Type.Optional(
    Type.String({
      minLength: 1,
      description:
        "PEM with this service's certificate (one SPIFFE ID) and private key; set = sign every event it publishes",
    }),
  ),
  EVENT_PRODUCERS: Type.Optional(
    Type.String({
      pattern: '^spiffe://[^,=]+=[a-z0-9.*-]+(,spiffe://[^,=]+=[a-z0-9.*-]+)*$',
      description:
        'producers whose events this service accepts and the types each may emit, e.g. spiffe://commlab/order=commlab.order.*; ' +
        'set = dead-letter every event not signed by one of them',
    }),
  ),
  EVENT_PRODUCERS_DIR: Type.Optional(
    Type.String({
      minLength: 1,
      description: "with EVENT_PRODUCERS: folder of the CA (ca.crt) and each producer's certificate (order.crt)",
    }),
  ),
};

export interface EventIdentitySettings {
  EVENT_SIGNER_FILE?: string | undefined;
  EVENT_PRODUCERS?: string | undefined;
  EVENT_PRODUCERS_DIR?: string | undefined;
}

/** The signing and checking the settings ask for; files are read once, here, at start-up. */
export function eventIdentityFrom(config: EventIdentitySettings): EventIdentity {
  const { EVENT_SIGNER_FILE: signerFile, EVENT_PRODUCERS: producers, EVENT_PRODUCERS_DIR: folder } = config;
  if (producers && !folder) throw new Error('EVENT_PRODUCERS needs EVENT_PRODUCERS_DIR (where their certificates are)');
  if (!signerFile && !producers) return noEventIdentity;
  return eventIdentity({
    ...(signerFile && { signer: signerFromFile(signerFile) }),
    ...(producers && folder && { trust: trustFromFiles(producers, folder) }),
  });
}
