import { describe, expect, it } from 'vitest';
import { lagOf, vhostOf } from './backlog.ts';

const partition = { topic: 'commlab.order', partition: 0 };

describe('lagOf', () => {
  it('counts the messages from the committed offset to the high watermark', () => {
    expect(lagOf({ ...partition, low: 0, high: 120, committed: 100 })).toBe(20);
    expect(lagOf({ ...partition, low: 0, high: 120, committed: 120 })).toBe(0);
  });

  it('counts from the oldest message kept when the group has committed nothing yet', () => {
    expect(lagOf({ ...partition, low: 40, high: 120, committed: -1 })).toBe(80);
  });

  it('is never negative, even when a commit is ahead of an offset read a moment earlier', () => {
    expect(lagOf({ ...partition, low: 0, high: 120, committed: 121 })).toBe(0);
  });
});

describe('vhostOf', () => {
  it('reads the virtual host from the URL path, / when there is none', () => {
    expect(vhostOf('amqp://guest:guest@127.0.0.1:5672')).toBe('/');
    expect(vhostOf('amqp://guest:guest@127.0.0.1:5672/')).toBe('/');
    expect(vhostOf('amqp://guest:guest@127.0.0.1:5672/%2F')).toBe('/');
    expect(vhostOf('amqp://guest:guest@127.0.0.1:5672/labs')).toBe('labs');
  });
});
