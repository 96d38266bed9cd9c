import { describe, expect, it } from 'vitest';
import { parseBytes } from './project.ts';

describe('memory figures from docker stats and podman stats', () => {
  it.each([
    ['51.31MB', 51_310_000],
    ['720.9kB', 720_900],
    ['1.5GB', 1_500_000_000],
    ['51MiB', 51 * 2 ** 20],
    ['2GiB', 2 * 2 ** 30],
    ['512B', 512],
    [' 51.31MB ', 51_310_000],
  ])('reads %s as %d bytes', (text, bytes) => {
    expect(parseBytes(text)).toBeCloseTo(bytes);
  });

  it.each(['', 'MB', '51.3 parsecs', '--'])('reads "%s" as no number', (text) => {
    expect(parseBytes(text)).toBeNaN();
  });
});
