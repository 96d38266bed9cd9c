import { describe, expect, it } from 'vitest';
import { inNamespaces, labNamespace } from './namespace.ts';

describe('broker namespaces', () => {
  it("gives each lab a prefix of its own from its number (lab 05's demos already use lab05)", () => {
    expect(labNamespace('01-tour')).toBe('lab01');
    expect(labNamespace('05-messaging')).toBe('lab05');
    expect(labNamespace('d-testing')).toBe('labd');
  });

  it('owns only names under namespace-dot, never a longer namespace that starts the same', () => {
    expect(inNamespaces('lab01.events', ['lab01'])).toBe(true);
    expect(inNamespaces('lab01.notification.order-events.dlq', ['lab01'])).toBe(true);
    expect(inNamespaces('lab010.events', ['lab01'])).toBe(false);
    expect(inNamespaces('lab01-old.events', ['lab01'])).toBe(false);
    expect(inNamespaces('commlab-test-1a2b.events', ['commlab'])).toBe(false);
    expect(inNamespaces('lab01', ['lab01'])).toBe(false);
  });
});
