import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeInfra } from '../infra.ts';
import { loadLab } from '../labs.ts';
import { labsDir } from '../paths.ts';
import { brokerNamesIn, brokerObjectsOf, namesAnObject } from './broker-names.ts';
import { guideFiles, labGuideParity } from './guide-parity.ts';
import { matchesStep } from './guide.ts';
import { labForThisFile } from './lab-for-file.ts';
import { guideOf, runStep } from './start-lab.ts';

/**
 * A lab's guide as a test suite: each ```sh check command runs against the real lab and must
 * print what the guide shows, and every exchange, queue or topic its prose names must be one
 * the lab has, so the guide cannot drift from the code. Its Chinese twin (README.zh.md) must
 * have the very same steps and sections, so running one runs both.
 */
export function testGuide(labId: string): void {
  it(`lab ${labId}'s Chinese guide has the English guide's executed steps and sections`, () => {
    const differences = labGuideParity(labId);
    expect(differences, differences.join('\n\n')).toHaveLength(0);
  });

  describe(`lab ${labId} guide`, () => {
    const lab = labForThisFile(labId);

    it.each(guideOf(labId))('README line $line gives the output the guide shows', (step) => {
      const { status, output } = runStep(lab, step);
      expect(status, output).toBe(0);
      expect(matchesStep(output, step), `got:\n${output}`).toBe(true);
    });

    // After the steps: by then the lab's services have declared their queues and topics.
    it('names only exchanges, queues and topics the lab has, in both languages', async () => {
      const named = Object.values(guideFiles)
        .map((file) => join(labsDir, labId, file))
        .filter((file) => existsSync(file))
        .flatMap((file) => brokerNamesIn(readFileSync(file, 'utf8')));
      const runNamespace = lab.serviceNames.map((name) => lab.env(name).EVENT_NAMESPACE).find(Boolean);
      const objects = runNamespace
        ? await brokerObjectsOf(
            await loadLab(labId),
            runNamespace,
            lab.target === 'compose' ? nativeInfra({}) : nativeInfra(),
          )
        : [];
      expect(
        [...new Set(named)].filter((name) => !namesAnObject(name, objects)),
        `the lab has: ${objects.join(', ') || 'nothing on a broker'}`,
      ).toEqual([]);
    });
  });
}
