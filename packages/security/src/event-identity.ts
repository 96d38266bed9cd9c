import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Type from 'typebox';
import { PoisonEventError, type CloudEvent, type EventHandler, type EventPublisher } from '@commlab/events';
import { producerKeysFromCertificates, spiffeIds } from './producer-certificates.ts';
import {
  checkEventProducer,
  producerTrust,
  signEvent,
  type EventSigner,
  type ProducerCheck,
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

/** A consumer's verdict on an event's producer (checkEventProducer against some trust). */
export type EventCheck = (event: SignableEvent) => ProducerCheck<SignableEvent>;

export function eventIdentity({
  signer,
  trust,
  check = trust && ((event) => checkEventProducer(event, trust)),
}: {
  signer?: EventSigner;
  trust?: ProducerTrust;
  check?: EventCheck | undefined;
}): EventIdentity {
  return {
    publisher: (publisher) =>
      signer
        ? {
            publish: (event) => publisher.publish(signed(event, signer)),
            close: () => publisher.close(),
          }
        : publisher,
    handler: (handle) =>
      check
        ? async (event) => {
            const verdict = check(event as CloudEvent & SignableEvent);
            if (!verdict.ok) throw new PoisonEventError(`producer refused: ${verdict.reason}`);
            // The handler sees only what was signed (plus the per-hop trace context).
            const verified = verdict.event as unknown as CloudEvent;
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

/**
 * The signer in a PEM file holding a certificate with one SPIFFE ID and its private key
 * (certs.sh's `<name>.pem`, which it replaces whole). Read again when the file changes, so a
 * rotated certificate signs from the next event on, as it serves the next TLS connection.
 */
export function signerFromFile(file: string): EventSigner {
  const read = () => {
    const pem = readFileSync(file);
    const ids = spiffeIds(new X509Certificate(pem));
    if (ids.length !== 1)
      throw new Error(`${file}: the certificate must name exactly one SPIFFE ID (has ${ids.length})`);
    return { identity: ids[0]!, privateKey: createPrivateKey(pem), changed: statSync(file).mtimeMs };
  };
  let current = read();
  const fresh = () => {
    if (statSync(file).mtimeMs !== current.changed) current = read();
    return current;
  };
  return {
    get identity() {
      return fresh().identity;
    },
    get privateKey() {
      return fresh().privateKey;
    },
  };
}

/**
 * The producers a consumer accepts, from `EVENT_PRODUCERS`
 * (`spiffe://commlab/order=commlab.order.*,spiffe://commlab/inventory=commlab.inventory.*`) and a
 * folder holding the lab CA (`ca.crt`) and each producer's certificate (`order.crt` for
 * spiffe://commlab/order). Each producer must claim the CloudEvents `source` its SPIFFE ID
 * names: spiffe://commlab/order → /commlab/order.
 *
 * Certificates rotate: when a known producer's signature does not verify, the folder is read
 * again (at most every few seconds) and the check repeated with the new keys. Keys seen before
 * are kept, so an event signed before its producer's rotation (in flight, redelivered,
 * replayed) still verifies.
 */
export function trustFromFiles(producers: string, folder: string, rereadAfterMs = 2_000): EventCheck {
  const types = new Map<string, string[]>();
  for (const entry of producers.split(',')) {
    const [identity, type] = entry.split('=') as [string, string];
    types.set(identity, [...(types.get(identity) ?? []), type]);
  }
  const certificate = (identity: string) =>
    readFileSync(join(folder, `${new URL(identity).pathname.split('/').pop()}.crt`));
  /** Each producer's keys, newest first. */
  const keys = new Map<string, KeyObject[]>();
  let readAt = 0;
  const read = (): boolean => {
    readAt = Date.now();
    const now = producerKeysFromCertificates(readFileSync(join(folder, 'ca.crt')), [...types.keys()].map(certificate));
    let added = false;
    for (const identity of types.keys()) {
      const key = now.get(identity);
      if (!key) throw new Error(`${folder}: no certificate names ${identity}`);
      const seen = keys.get(identity) ?? [];
      if (!seen.some((k) => k.equals(key))) {
        keys.set(identity, [key, ...seen]);
        added = true;
      }
    }
    return added;
  };
  read();
  // One trust view per generation of keys: the newest first, then each older one.
  const views = () =>
    Array.from({ length: Math.max(...[...keys.values()].map((k) => k.length)) }, (_, generation) =>
      producerTrust(
        Object.fromEntries(
          [...types].map(([identity, allowed]) => {
            const known = keys.get(identity)!;
            return [identity, { key: known[generation] ?? known[0]!, source: sourceOf(identity), types: allowed }];
          }),
        ),
      ),
    );
  const attempt = (event: SignableEvent) => {
    const verdicts = views().map((trust) => checkEventProducer(event, trust));
    return verdicts.find((v) => v.ok) ?? verdicts[0]!;
  };
  return (event) => {
    const verdict = attempt(event);
    const rotated = !verdict.ok && verdict.reason.endsWith('does not verify') && Date.now() - readAt >= rereadAfterMs;
    return rotated && read() ? attempt(event) : verdict;
  };
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
    ...(producers && folder && { check: trustFromFiles(producers, folder) }),
  });
}
