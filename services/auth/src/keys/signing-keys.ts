import type { Logger } from '@commlab/kit';
import { keyFile, newSigningJwk, type SigningKey } from './key-file.ts';
import {
  firstKey,
  nextChange,
  publishedKeys,
  rotate,
  signingKey,
  statusOf,
  type KeyStatus,
  type RotationPolicy,
  type ScheduledKey,
} from './key-ring.ts';

export interface KeyView {
  kid: string;
  status: KeyStatus;
  publishedAt: string;
  signsFrom: string;
  signsUntil?: string;
  removeAt?: string;
}

export interface SigningKeysOptions {
  file: string;
  policy: RotationPolicy;
  logger: Logger;
  /** Called whenever the published set or the signer changed (the provider is rebuilt). */
  onChange: () => void;
  now?: () => number;
}

/**
 * The authorization server's signing keys over time: loads or creates them, rotates on
 * request, and applies the schedule (a key starts signing, a retired key is removed) when
 * its moment comes, saving every change before it is published.
 */
export async function openSigningKeys({ file, policy, logger, onChange, now = Date.now }: SigningKeysOptions) {
  const store = keyFile(file);
  const loaded = (await store.load()) ?? [];
  const privateKeys = new Map(loaded.map((k) => [k.kid, k.jwk]));
  let ring: ScheduledKey[] = loaded.map(({ jwk: _jwk, ...schedule }) => schedule);
  let timer: NodeJS.Timeout | undefined;
  let closed = false;
  let queue: Promise<unknown> = Promise.resolve();

  /** One change at a time; a failed one does not block the next. */
  const serial = <T>(change: () => Promise<T>): Promise<T> => {
    const run = queue.then(change);
    queue = run.catch(() => undefined);
    return run;
  };
  const withJwk = (key: ScheduledKey): SigningKey => ({ ...key, jwk: privateKeys.get(key.kid)! });
  const save = async () => {
    for (const kid of privateKeys.keys()) if (!ring.some((k) => k.kid === kid)) privateKeys.delete(kid);
    await store.save(ring.map(withJwk));
  };

  const describe = (): KeyView[] => {
    const at = now();
    const iso = (t: number) => new Date(t).toISOString();
    return publishedKeys(ring, at).map((k) => ({
      kid: k.kid,
      status: statusOf(k, at),
      publishedAt: iso(k.publishedAt),
      signsFrom: iso(k.signsFrom),
      ...(k.signsUntil !== undefined && { signsUntil: iso(k.signsUntil) }),
      ...(k.removeAt !== undefined && { removeAt: iso(k.removeAt) }),
    }));
  };

  const schedule = () => {
    clearTimeout(timer);
    const at = nextChange(ring, now());
    if (at === undefined || closed) return;
    // setTimeout holds at most ~24.8 days; a later change is simply rescheduled then.
    timer = setTimeout(() => void serial(apply), Math.min(Math.max(at - now(), 0) + 5, 2 ** 31 - 1));
    timer.unref();
  };

  // The schedule's moment came: a key starts signing, or a retired one leaves the JWKS.
  const apply = async () => {
    const published = publishedKeys(ring, now());
    if (published.length !== ring.length) {
      ring = published;
      await save();
    }
    logger.info({ keys: describe() }, 'signing keys changed');
    onChange();
    schedule();
  };

  ring = publishedKeys(ring, now());
  if (!signingKey(ring, now())) {
    const jwk = await newSigningJwk();
    privateKeys.set(jwk.kid, jwk);
    ring = [...ring, ...firstKey(jwk.kid, now())];
    logger.info({ kid: jwk.kid, file }, 'created a signing key');
  }
  await save();
  schedule();

  return {
    /** The key that signs now. */
    signer(): SigningKey {
      return withJwk(signingKey(ring, now())!);
    },
    /** Every key in the JWKS now, the signer first (oidc-provider signs ID tokens with the first). */
    published(): SigningKey[] {
      const signer = signingKey(ring, now())!;
      return [signer, ...publishedKeys(ring, now()).filter((k) => k !== signer)].map(withJwk);
    },
    describe,
    /** Publishes a new key now; it signs after the lead. Throws RotationPendingError while one waits. */
    rotate: () =>
      serial(async () => {
        const jwk = await newSigningJwk();
        const next = rotate(ring, jwk.kid, now(), policy);
        privateKeys.set(jwk.kid, jwk);
        ring = next;
        // Saved before it is published: a crash cannot lose a key verifiers may already have seen.
        await save();
        logger.info({ keys: describe() }, 'signing key rotation started');
        onChange();
        schedule();
        return describe();
      }),
    close() {
      closed = true;
      clearTimeout(timer);
    },
  };
}

export type SigningKeys = Awaited<ReturnType<typeof openSigningKeys>>;
