import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runDir } from './paths.ts';

/**
 * Where a lab's fault dials live (packages/faults reads them; `pnpm lab fault` writes them):
 * `.run/<lab>/faults/flags.json`, which `pnpm lab reset` deletes with the rest of the lab's data.
 * COMMLAB_FAULTS_FILE moves it: each test file of a lab sets its own, so test files running side
 * by side never turn each other's dials (the guide's `pnpm lab fault` steps inherit it).
 */
export function faultsFileOf(labId: string, env: NodeJS.ProcessEnv = process.env): string {
  return env.COMMLAB_FAULTS_FILE || join(runDir, labId, 'faults', 'flags.json');
}

/** In the committed compose.yaml, the lab's faults folder is mounted here in every service. */
export const composeFaultsDir = '/commlab/faults';

/**
 * Creates the lab's flag file with no dials when there is none yet: its services only read it
 * (in a container they run as another user), and flagd's provider wants a file to watch.
 */
export function ensureFaultsFile(labId: string): string {
  const file = faultsFileOf(labId);
  mkdirSync(dirname(file), { recursive: true });
  if (!existsSync(file)) writeFileSync(file, '{ "flags": {} }\n', { mode: 0o644 });
  return file;
}
