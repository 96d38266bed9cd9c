/**
 * The signing-key schedule, as data and pure functions (times in ms since the epoch).
 *
 * A rotation never breaks a verifier:
 * - the new key is published `publishLeadMs` before it signs, so every verifier that
 *   refreshes its JWKS within that lead (our verifiers: on the first unknown kid, at most once
 *   per cooldown) knows it before the first token it signs arrives;
 * - the old key stops signing at that same moment and stays published until every token it
 *   signed has expired (`tokenTtlMs` plus the verifiers' clock tolerance), then it is removed.
 */
export interface ScheduledKey {
  kid: string;
  publishedAt: number;
  signsFrom: number;
  /** Set once a newer key takes over. */
  signsUntil?: number;
  /** Set together with signsUntil: when no token it signed can still be valid. */
  removeAt?: number;
}

export interface RotationPolicy {
  publishLeadMs: number;
  tokenTtlMs: number;
  clockToleranceMs: number;
}

export type KeyStatus = 'next' | 'signing' | 'retiring';

export class RotationPendingError extends Error {
  override readonly name = 'RotationPendingError';
}

/** The one key that signs at `now`; undefined only for an empty ring. */
export function signingKey(ring: readonly ScheduledKey[], now: number): ScheduledKey | undefined {
  return ring
    .filter((k) => k.signsFrom <= now && (k.signsUntil === undefined || now < k.signsUntil))
    .sort((a, b) => b.signsFrom - a.signsFrom)[0];
}

/** The keys in the JWKS at `now`: waiting to sign, signing, or retiring with tokens still valid. */
export function publishedKeys(ring: readonly ScheduledKey[], now: number): ScheduledKey[] {
  return ring.filter((k) => k.removeAt === undefined || now < k.removeAt);
}

export function statusOf(key: ScheduledKey, now: number): KeyStatus {
  if (now < key.signsFrom) return 'next';
  if (key.signsUntil === undefined || now < key.signsUntil) return 'signing';
  return 'retiring';
}

/** A first key that signs at once (no verifier can hold a token yet). */
export function firstKey(kid: string, now: number): ScheduledKey[] {
  return [{ kid, publishedAt: now, signsFrom: now }];
}

/**
 * Adds `kid` as the next signing key. Refuses while an earlier rotation still waits for its
 * key to start signing: two keys in flight would shorten the lead of the first.
 */
export function rotate(
  ring: readonly ScheduledKey[],
  kid: string,
  now: number,
  policy: RotationPolicy,
): ScheduledKey[] {
  const waiting = ring.find((k) => k.signsFrom > now);
  if (waiting) {
    throw new RotationPendingError(
      `key ${waiting.kid} starts signing at ${new Date(waiting.signsFrom).toISOString()}; rotate after that`,
    );
  }
  const handover = now + policy.publishLeadMs;
  const removeAt = handover + policy.tokenTtlMs + policy.clockToleranceMs;
  const current = signingKey(ring, now);
  return [
    ...publishedKeys(ring, now).map((k) => (k === current ? { ...k, signsUntil: handover, removeAt } : k)),
    { kid, publishedAt: now, signsFrom: handover },
  ];
}

/** The next moment the published set or the signer changes, if any. */
export function nextChange(ring: readonly ScheduledKey[], now: number): number | undefined {
  const moments = ring.flatMap((k) => [k.signsFrom, k.removeAt ?? Infinity]).filter((t) => t > now && t !== Infinity);
  return moments.length > 0 ? Math.min(...moments) : undefined;
}
