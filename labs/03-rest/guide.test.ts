import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { guideOf, matchesStep, runStep, startLab, type LabUnderTest } from '@commlab/lab-runner/testing';

// The guide's commands, run against the real lab: its expected output may not drift from the code.
describe('lab 03-rest guide', () => {
  let lab: LabUnderTest;
  beforeAll(async () => {
    lab = await startLab('03-rest');
  });
  afterAll(() => lab?.stop());

  it.each(guideOf('03-rest'))('README line $line gives the output the guide shows', (step) => {
    const { status, output } = runStep(lab, step);
    expect(status, output).toBe(0);
    expect(matchesStep(output, step), `got:\n${output}`).toBe(true);
  });
});
