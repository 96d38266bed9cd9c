import { describe, expect, it } from 'vitest';
import { Latencies, spectrumPercentiles } from './histogram.ts';

// A seeded generator, so the "known distribution" is the same on every run.
function mulberry32(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('Latencies', () => {
  it('gives the percentiles of a uniform distribution within the histogram precision', () => {
    const latencies = new Latencies();
    for (let i = 1; i <= 10_000; i++) latencies.record(i / 100); // 0.01 ms … 100 ms
    const s = latencies.summary();
    expect(s.count).toBe(10_000);
    expect(s.p50).toBeCloseTo(50, 1);
    expect(s.p90).toBeCloseTo(90, 0);
    expect(s.p99).toBeCloseTo(99, 0);
    expect(s.p999).toBeCloseTo(99.9, 0);
    expect(s.max).toBeCloseTo(100, 0);
    expect(s.min).toBeCloseTo(0.01, 3);
  });

  it('gives the percentiles of an exponential distribution: p = -mean·ln(1 - q)', () => {
    const random = mulberry32(42);
    const latencies = new Latencies();
    const mean = 5;
    for (let i = 0; i < 200_000; i++) latencies.record(-mean * Math.log(1 - random()));
    for (const q of [50, 90, 99, 99.9]) {
      const expected = -mean * Math.log(1 - q / 100);
      expect(Math.abs(latencies.at(q) - expected) / expected, `p${q}`).toBeLessThan(0.03);
    }
    expect(Math.abs(latencies.summary().mean - mean) / mean).toBeLessThan(0.02);
  });

  it('keeps a one-second outlier exactly as the maximum among sub-millisecond latencies', () => {
    const latencies = new Latencies();
    for (let i = 0; i < 999; i++) latencies.record(0.25);
    latencies.record(1_000);
    expect(latencies.summary().max).toBeCloseTo(1_000, 0);
    expect(latencies.at(99)).toBeCloseTo(0.25, 2);
  });

  it('merges another histogram by adding its counts', () => {
    const a = new Latencies();
    const b = new Latencies();
    a.record(1);
    b.record(3);
    b.record(3);
    a.add(b);
    expect(a.count).toBe(3);
    expect(a.at(50)).toBeCloseTo(3, 2);
  });

  it('summarises an empty run as zeros rather than failing', () => {
    expect(new Latencies().summary()).toEqual({ count: 0, min: 0, mean: 0, p50: 0, p90: 0, p99: 0, p999: 0, max: 0 });
    expect(new Latencies().spectrum()).toEqual([]);
  });

  it('draws the spectrum out to the deepest percentile the request count supports, then the maximum', () => {
    expect(spectrumPercentiles(2, 1)).toEqual([0, 50, 100]);
    const deep = spectrumPercentiles(1_000_000);
    expect(deep.at(-2)).toBeGreaterThan(99.999);
    expect(deep.at(-1)).toBe(100);
    expect(deep).toEqual([...deep].sort((x, y) => x - y));
  });
});
