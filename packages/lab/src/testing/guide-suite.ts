import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { nativeInfra } from '../infra.ts';
import { loadLab } from '../labs.ts';
import { labsDir, repoRoot } from '../paths.ts';
import { brokerNamesIn, brokerObjectsOf, namesAnObject } from './broker-names.ts';
import { guideFiles, labGuideParity } from './guide-parity.ts';
import { matchesStep } from './guide.ts';
import { labForThisFile } from './lab-for-file.ts';
import { guideOf, runStep } from './start-lab.ts';

export interface GuideSuiteOptions {
  /**
   * The guide's commands start what they run themselves — lab 10's `pnpm lab bench` starts the
   * services an experiment measures, as processes or in containers as COMMLAB_LAB_TARGET says —
   * so no lab is started for them: each step runs from the repository root with `env` added,
   * for up to `timeoutMs` (default 30 s), and the guide may name no broker object of a lab run.
   */
  stepsStartTheirOwn?: { env?: Record<string, string>; timeoutMs?: number };
}

/**
 * A lab's guide as a test suite: each ```sh check command runs against the real lab and must
 * print what the guide shows, and every exchange, queue or topic its prose names must be one
 * the lab has, so the guide cannot drift from the code. Its Chinese twin (README.zh.md) must
 * have the very same steps and sections, so running one runs both.
 */
export function testGuide(labId: string, options: GuideSuiteOptions = {}): void {
  it(`lab ${labId}'s Chinese guide has the English guide's executed steps and sections`, () => {
    const differences = labGuideParity(labId);
    expect(differences, differences.join('\n\n')).toHaveLength(0);
  });
  if (options.stepsStartTheirOwn) {
    stepsOnTheirOwn(labId, options.stepsStartTheirOwn);
    return;
  }

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

function stepsOnTheirOwn(
  labId: string,
  { env = {}, timeoutMs = 30_000 }: GuideSuiteOptions['stepsStartTheirOwn'] & {},
) {
  describe(`lab ${labId} guide`, () => {
    it.each(guideOf(labId))(
      'README line $line gives the output the guide shows',
      (step) => {
        const run = spawnSync('bash', ['-c', step.command], {
          cwd: repoRoot,
          encoding: 'utf8',
          timeout: timeoutMs,
          env: { ...process.env, ...env },
        });
        const output = `${run.stdout}${run.stderr}`;
        expect(run.status, output).toBe(0);
        expect(matchesStep(output, step), `got:\n${output}`).toBe(true);
      },
      timeoutMs + 10_000,
    );

    it('names no exchange, queue or topic: each step declares and deletes its own, under names of its run', () => {
      const named = Object.values(guideFiles)
        .map((file) => join(labsDir, labId, file))
        .filter((file) => existsSync(file))
        .flatMap((file) => brokerNamesIn(readFileSync(file, 'utf8')));
      expect(named).toEqual([]);
    });
  });
}
