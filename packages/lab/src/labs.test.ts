import { describe, expect, it } from 'vitest';
import { labEntry } from './labs.ts';

describe('lab ids', () => {
  it('names a lab by its full id or its number', () => {
    expect(labEntry('01-tour').id).toBe('01-tour');
    expect(labEntry('01').id).toBe('01-tour');
  });

  it("gives chapter 11's number to its first lab, and each of its two labs to its full id", () => {
    expect(labEntry('11').id).toBe('11-fault-tolerance');
    expect(labEntry('11-fault-tolerance').id).toBe('11-fault-tolerance');
    expect(labEntry('11-high-availability').id).toBe('11-high-availability');
  });

  it('refuses an id that names no lab, pointing at the list', () => {
    expect(() => labEntry('11-ha')).toThrow('unknown lab "11-ha"');
  });
});
