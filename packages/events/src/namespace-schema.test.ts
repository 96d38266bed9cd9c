import { describe, expect, it } from 'vitest';
import { namespaceSchema } from './namespace-schema.ts';

describe('namespaceSchema', () => {
  it("names a lab's and a test run's schema from the namespace, as a plain identifier", () => {
    expect(namespaceSchema('es', 'lab08')).toBe('es_lab08');
    expect(namespaceSchema('es', 'commlab-test-1A2b3c4d')).toBe('es_commlab_test_1a2b3c4d');
  });

  it("keeps within PostgreSQL's 63-character names", () => {
    expect(namespaceSchema('es', 'x'.repeat(100))).toHaveLength(63);
  });
});
