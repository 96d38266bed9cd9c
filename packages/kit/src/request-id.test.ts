import { describe, expect, it } from 'vitest';
import { requestIdFrom } from './request-id.ts';

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('request ids', () => {
  it("keeps a caller's printable id, from a header or gRPC metadata", () => {
    expect(requestIdFrom('checkout-42')).toBe('checkout-42');
    expect(requestIdFrom(['abc.1', 'ignored'])).toBe('abc.1');
    expect(requestIdFrom(Buffer.from('from-binary'))).toBe('from-binary');
  });

  it.each([
    ['none', undefined],
    ['an empty one', ''],
    ['one with a line break (log injection)', 'a\nlevel=fatal'],
    ['one with spaces', 'a b'],
    ['one over 128 characters', 'x'.repeat(129)],
  ])('replaces %s with a fresh UUID', (_label, value) => {
    expect(requestIdFrom(value)).toMatch(uuid);
  });
});
