import { describe, expect, it } from 'vitest';
import { delayOf, describeDial, parseDial } from './dials.ts';

describe('fault dials as a reader types them', () => {
  it('reads latency, jitter, an error rate with its status, abort and black hole', () => {
    expect(parseDial(['latency=800ms', 'jitter=200ms', 'errors=30%', 'status=unavailable'])).toEqual({
      latencyMs: 800,
      jitterMs: 200,
      errorRate: 0.3,
      status: 'UNAVAILABLE',
    });
    expect(parseDial(['latency=5s'])).toEqual({ latencyMs: 5000 });
    expect(parseDial(['abort'])).toEqual({ abort: true });
    expect(parseDial(['blackhole'])).toEqual({ blackhole: true });
  });

  it('fails every call when a status is given without a rate', () => {
    expect(parseDial(['status=503'])).toEqual({ status: '503', errorRate: 1 });
  });

  it('refuses a value it cannot use, naming it', () => {
    expect(() => parseDial(['latency=-5ms'])).toThrow('latency: "-5ms" is not a duration');
    expect(() => parseDial(['errors=150%'])).toThrow('errors: "150%" is not a rate between 0% and 100%');
    expect(() => parseDial(['status=TEAPOT'])).toThrow('status: "TEAPOT"');
    expect(() => parseDial(['slow'])).toThrow('"slow" is not a dial');
  });

  it('keeps each delay within latency ± jitter, never below zero', () => {
    expect(delayOf({ latencyMs: 800, jitterMs: 200 }, () => 0)).toBe(600);
    expect(delayOf({ latencyMs: 800, jitterMs: 200 }, () => 0.999999)).toBe(1000);
    expect(delayOf({ latencyMs: 100, jitterMs: 500 }, () => 0)).toBe(0);
  });

  it('describes a dial the way it is typed', () => {
    expect(describeDial(parseDial(['latency=5s', 'errors=30%']))).toBe('latency=5000ms errors=30%');
    expect(describeDial({})).toBe('none');
  });
});
