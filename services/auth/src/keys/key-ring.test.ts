import { describe, expect, it } from 'vitest';
import { firstKey, nextChange, publishedKeys, rotate, RotationPendingError, signingKey, statusOf } from './key-ring.ts';

const policy = { publishLeadMs: 60_000, tokenTtlMs: 300_000, clockToleranceMs: 5_000 };
const t0 = 1_000_000;

describe('the signing-key schedule', () => {
  it('lets a first key sign at once', () => {
    const ring = firstKey('a', t0);
    expect(signingKey(ring, t0)?.kid).toBe('a');
    expect(nextChange(ring, t0)).toBeUndefined();
  });

  it('publishes a new key before it signs, and the old one keeps signing until then', () => {
    const ring = rotate(firstKey('a', t0), 'b', t0 + 10, policy);
    const justBefore = t0 + 10 + policy.publishLeadMs - 1;
    expect(publishedKeys(ring, t0 + 10).map((k) => k.kid)).toEqual(['a', 'b']);
    expect(signingKey(ring, justBefore)?.kid).toBe('a');
    expect(statusOf(ring[1]!, justBefore)).toBe('next');
    expect(signingKey(ring, justBefore + 1)?.kid).toBe('b');
    expect(nextChange(ring, t0 + 10)).toBe(t0 + 10 + policy.publishLeadMs);
  });

  it('keeps the old key published until the last token it signed has expired, then removes it', () => {
    const ring = rotate(firstKey('a', t0), 'b', t0, policy);
    const lastSignedByA = t0 + policy.publishLeadMs - 1;
    const lastValid = lastSignedByA + policy.tokenTtlMs + policy.clockToleranceMs;
    expect(statusOf(ring[0]!, lastValid)).toBe('retiring');
    expect(publishedKeys(ring, lastValid).map((k) => k.kid)).toEqual(['a', 'b']);
    expect(publishedKeys(ring, lastValid + 1).map((k) => k.kid)).toEqual(['b']);
  });

  it('refuses a second rotation while the new key waits to sign, and allows it afterwards', () => {
    const ring = rotate(firstKey('a', t0), 'b', t0, policy);
    expect(() => rotate(ring, 'c', t0 + 1, policy)).toThrow(RotationPendingError);
    const later = rotate(ring, 'c', t0 + policy.publishLeadMs, policy);
    expect(publishedKeys(later, t0 + policy.publishLeadMs).map((k) => k.kid)).toEqual(['a', 'b', 'c']);
    expect(signingKey(later, t0 + 2 * policy.publishLeadMs)?.kid).toBe('c');
  });

  it('drops keys already removed when it rotates again', () => {
    const ring = rotate(firstKey('a', t0), 'b', t0, policy);
    const muchLater = t0 + 3_600_000;
    expect(rotate(ring, 'c', muchLater, policy).map((k) => k.kid)).toEqual(['b', 'c']);
  });
});
