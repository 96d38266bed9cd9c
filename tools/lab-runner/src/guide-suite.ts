import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labGuideParity } from './guide-parity.ts';
import { guideOf, matchesStep, runStep, startLab, type LabUnderTest } from './testing.ts';

/**
 * A lab's guide as a test suite: each ```sh check command runs against the real lab and must
 * print what the guide shows, so the guide cannot drift from the code. Its Chinese twin
 * (README.zh.md) must have the very same steps and sections, so running one runs both.
 */
export function testGuide(labId: string): void {
  it(`lab ${labId}'s Chinese guide has the English guide's executed steps and sections`, () => {
    const differences = labGuideParity(labId);
    expect(differences, differences.join('\n\n')).toHaveLength(0);
  });

  describe(`lab ${labId} guide`, () => {
    let lab: LabUnderTest;
    beforeAll(async () => {
      lab = await startLab(labId);
    });
    afterAll(() => lab?.stop());

    it.each(guideOf(labId))('README line $line gives the output the guide shows', (step) => {
      const { status, output } = runStep(lab, step);
      expect(status, output).toBe(0);
      expect(matchesStep(output, step), `got:\n${output}`).toBe(true);
    });
  });
}
