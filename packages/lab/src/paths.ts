import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));
export const labsDir = join(repoRoot, 'labs');
export const servicesDir = join(repoRoot, 'services');
/** Per-run state of native labs (SQLite files, logs); ignored by git. */
export const runDir = join(repoRoot, '.run');
/** A tool from the workspace's own node_modules, whether or not pnpm put it on PATH. */
export const bin = (name: string) => join(repoRoot, 'node_modules/.bin', name);
