import { describe, expect, it } from 'vitest';
import { ErrorCounts, errorKind, RequestError } from './errors.ts';

describe('errorKind', () => {
  it('names a failure by the driver kind, gRPC status, error code or error name', () => {
    expect(errorKind(new RequestError('http 503'))).toBe('http 503');
    expect(errorKind(Object.assign(new Error('x'), { code: 14, metadata: {} }))).toBe('grpc UNAVAILABLE');
    expect(errorKind(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe('ECONNREFUSED');
    expect(errorKind(new TypeError('bad'))).toBe('TypeError');
    expect(errorKind('a string')).toBe('error');
  });

  it('counts failures by kind, most frequent first', () => {
    const counts = new ErrorCounts();
    counts.count('timeout');
    counts.count('http 503', 3);
    expect(counts.toJSON()).toEqual({ 'http 503': 3, timeout: 1 });
    expect(Object.keys(counts.toJSON())).toEqual(['http 503', 'timeout']);
    expect(counts.total).toBe(4);
  });
});
