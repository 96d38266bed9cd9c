import { createHash, sign, verify, type KeyObject } from 'node:crypto';

/**
 * Who produced an event, proved by a signature that travels with it: the CloudEvents
 * Verifiability extension (DSSE v1.0.2 envelope in the `dssematerial` attribute, signed
 * extension names in `signedextattrs`). See README.md, "Caller identity through brokers",
 * for why a signature and not a header naming the producer.
 */
export const dssePayloadType = 'https://cloudevents.io/verifiability/dsse/v0.1';

/** A CloudEvent as the bindings hand it over: context attributes at the top, `data` parsed. */
export interface SignableEvent {
  specversion: string;
  id: string;
  source: string;
  type: string;
  subject?: string;
  time?: string;
  datacontenttype?: string;
  dataschema?: string;
  data?: unknown;
  [extension: string]: unknown;
}

export type SignedEvent<E extends SignableEvent> = E & { dssematerial: string; signedextattrs?: string };

/** The producer's identity (its SPIFFE ID, e.g. spiffe://commlab/order) and its private key. */
export interface EventSigner {
  identity: string;
  privateKey: KeyObject;
}

const core = ['id', 'source', 'specversion', 'type', 'datacontenttype', 'dataschema', 'subject', 'time'] as const;
const own = new Set(['dssematerial', 'signedextattrs', 'data']);

/**
 * Signs the event's context attributes, its data and every extension attribute it carries
 * (traceparent included), returning a copy with `dssematerial` and `signedextattrs` set.
 * `dataBytes` are the bytes the binding puts on the wire; by default JSON.stringify(data),
 * which is what @commlab/events writes.
 */
export function signEvent<E extends SignableEvent>(
  event: E,
  signer: EventSigner,
  dataBytes?: Uint8Array,
): SignedEvent<E> {
  const extensions = Object.keys(event)
    .filter((name) => !own.has(name) && !(core as readonly string[]).includes(name) && event[name] !== undefined)
    .sort();
  const digest = verificationMaterial(event, extensions, dataBytes);
  const signature = sign(hashFor(signer.privateKey), pae(dssePayloadType, digest), signer.privateKey);
  const envelope = {
    payload: digest.toString('base64'),
    payloadType: dssePayloadType,
    signatures: [{ keyid: signer.identity, sig: signature.toString('base64') }],
  };
  const signed = { ...event, dssematerial: Buffer.from(JSON.stringify(envelope)).toString('base64') } as SignedEvent<E>;
  if (extensions.length > 0) signed.signedextattrs = extensions.join(',');
  else delete signed.signedextattrs;
  return signed;
}

export interface ProducerTrust {
  /** The public key of a producer identity, or undefined for an identity this consumer does not know. */
  keyOf(identity: string): KeyObject | undefined;
  /** Whether this producer may emit this event (type, and the source it claims). */
  mayEmit(identity: string, event: SignableEvent): boolean;
}

export type ProducerCheck<E extends SignableEvent> =
  { ok: true; producer: string; event: E } | { ok: false; reason: string };

/**
 * The consumer's side: is the event signed by a producer this consumer knows, unchanged since,
 * and of a type that producer may emit? On success, the event holds only what was signed
 * (context attributes, data and the signed extensions); on failure, `reason` is what to
 * dead-letter it with.
 */
export function checkEventProducer<E extends SignableEvent>(
  event: E,
  trust: ProducerTrust,
  dataBytes?: Uint8Array,
): ProducerCheck<E> {
  const refuse = (reason: string) => ({ ok: false as const, reason });
  if (typeof event.dssematerial !== 'string' || event.dssematerial === '') {
    return refuse('unsigned: the event carries no dssematerial, so its producer is unknown');
  }
  const envelope = parseEnvelope(event.dssematerial);
  if (!envelope) return refuse('corrupt dssematerial: not a base64 DSSE JSON envelope');
  if (envelope.payloadType !== dssePayloadType) return refuse(`unknown DSSE payloadType ${envelope.payloadType}`);
  const signed = Buffer.from(envelope.payload, 'base64');
  if (signed.length !== 32) return refuse('corrupt dssematerial: the payload is not a SHA-256 digest');

  // DSSE: keep the signatures whose keyid this consumer trusts; one must verify.
  const known = envelope.signatures.filter((s) => trust.keyOf(s.keyid) !== undefined);
  if (known.length === 0) {
    return refuse(
      `signed by an unknown producer (${envelope.signatures.map((s) => s.keyid).join(', ') || 'no keyid'})`,
    );
  }
  const producer = known.find((s) => {
    const key = trust.keyOf(s.keyid)!;
    return verify(hashFor(key), pae(envelope.payloadType, signed), key, Buffer.from(s.sig, 'base64'));
  })?.keyid;
  if (!producer) return refuse(`the signature of ${known[0]!.keyid} does not verify`);

  const extensions = parseSignedExtensions(event.signedextattrs);
  if (!extensions) return refuse('signedextattrs breaks the extension rules (repeats, core or own attributes)');
  if (!verificationMaterial(event, extensions, dataBytes).equals(signed)) {
    return refuse(`altered after ${producer} signed it (attributes or data differ)`);
  }
  if (!trust.mayEmit(producer, event)) return refuse(`${producer} may not emit ${event.type} from ${event.source}`);

  const verified: SignableEvent = {
    specversion: event.specversion,
    id: event.id,
    source: event.source,
    type: event.type,
  };
  for (const name of core) if (event[name] !== undefined) verified[name] = event[name];
  if ('data' in event) verified.data = event.data;
  for (const name of extensions) verified[name] = event[name];
  return { ok: true, producer, event: verified as E };
}

/**
 * A trust policy from a table: each producer identity's public key, the event types it may
 * emit (exact, or a prefix ending in `*`), and the `source` it must claim.
 */
export function producerTrust(
  producers: Readonly<Record<string, { key: KeyObject; source: string; types: readonly string[] }>>,
): ProducerTrust {
  return {
    keyOf: (identity) => (Object.hasOwn(producers, identity) ? producers[identity]!.key : undefined),
    mayEmit(identity, event) {
      const producer = Object.hasOwn(producers, identity) ? producers[identity] : undefined;
      if (!producer || event.source !== producer.source) return false;
      return producer.types.some((t) => (t.endsWith('*') ? event.type.startsWith(t.slice(0, -1)) : event.type === t));
    },
  };
}

/** The spec's VERIFICATION_MATERIAL: SHA-256 over the digests of every signed part, in order. */
function verificationMaterial(event: SignableEvent, extensions: readonly string[], dataBytes?: Uint8Array): Buffer {
  const sha = (value: string | Uint8Array) => createHash('sha256').update(value).digest();
  const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));
  const parts = [
    ...core.map((name) => sha(name === 'time' && event.time ? normalisedTime(event.time) : text(event[name]))),
    sha(dataBytes ?? (event.data === undefined ? '' : JSON.stringify(event.data))),
    ...extensions.flatMap((name) => [sha(name), sha(text(event[name]))]),
  ];
  return sha(Buffer.concat(parts));
}

/** RFC 3339 in UTC ('Z'), so re-serialising the same instant in another zone keeps the signature valid. */
function normalisedTime(time: string): string {
  const ms = Date.parse(time);
  return Number.isNaN(ms) ? time : new Date(ms).toISOString();
}

/** DSSE v1 pre-authentication encoding: what is actually signed. */
function pae(type: string, body: Buffer): Buffer {
  const typeBytes = Buffer.from(type, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${typeBytes.length} `), typeBytes, Buffer.from(` ${body.length} `), body]);
}

/** Ed25519 signs the message itself; EC and RSA keys sign its SHA-256. */
function hashFor(key: KeyObject): string | null {
  return key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : 'sha256';
}

interface Envelope {
  payload: string;
  payloadType: string;
  signatures: { keyid: string; sig: string }[];
}

function parseEnvelope(material: string): Envelope | undefined {
  try {
    const value = JSON.parse(Buffer.from(material, 'base64').toString('utf8')) as Partial<Envelope>;
    const signatures = Array.isArray(value.signatures) ? value.signatures : [];
    if (typeof value.payload !== 'string' || typeof value.payloadType !== 'string' || signatures.length === 0) return;
    if (!signatures.every((s) => typeof s?.sig === 'string' && typeof (s.keyid ?? '') === 'string')) return;
    return { payload: value.payload, payloadType: value.payloadType, signatures };
  } catch {
    return undefined;
  }
}

function parseSignedExtensions(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return [];
  if (typeof value !== 'string') return undefined;
  const names = value.split(',');
  const forbidden = (name: string) => (core as readonly string[]).includes(name) || own.has(name) || name === '';
  if (new Set(names).size !== names.length || names.some(forbidden)) return undefined;
  return names;
}
