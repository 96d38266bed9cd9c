import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogue, type LabEntry } from './catalogue.ts';
import type { Lab, LabDefinition, RunOptions } from './define.ts';
import { labsDir } from './paths.ts';
import { resolveLab } from './resolve-lab.ts';

/**
 * A lab by its full id, or by its number. Chapter 11 has two labs: its number names the first in
 * the catalogue (11-fault-tolerance, whose guide says `pnpm lab up 11`); the second is named by its
 * full id only (11-high-availability). An exact id always wins over a number.
 */
export function labEntry(idOrPrefix: string): LabEntry {
  const entry =
    catalogue.find((lab) => lab.id === idOrPrefix) ?? catalogue.find((lab) => lab.id.startsWith(`${idOrPrefix}-`));
  if (!entry) {
    throw new Error(`unknown lab "${idOrPrefix}"; \`pnpm lab list\` shows them all`);
  }
  return entry;
}

export function isReady(id: string): boolean {
  return existsSync(join(labsDir, id, 'lab.ts'));
}

/** What labs/<id>/lab.ts exports, as written. */
export async function labDefinition(id: string): Promise<LabDefinition> {
  const module = (await import(pathToFileURL(join(labsDir, id, 'lab.ts')).href)) as { default?: LabDefinition };
  if (!module.default?.services)
    throw new Error(`labs/${id}/lab.ts must export default defineLab({ services, links })`);
  return module.default;
}

/**
 * A lab by its id (its folder's name) or number, as one run has it. The lab package loads a
 * lab's definition by path at run time, as vitest loads a test file: labs import the lab package,
 * never the other way round.
 */
export async function loadLab(idOrPrefix: string, options: RunOptions = {}): Promise<Lab & { entry: LabEntry }> {
  const entry = labEntry(idOrPrefix);
  if (!isReady(entry.id)) throw new Error(`lab ${entry.id} is not built yet (chapter ${entry.chapter})`);
  return { ...resolveLab(entry.id, await labDefinition(entry.id), options), entry };
}

export async function readyLabs() {
  return Promise.all(catalogue.filter((lab) => isReady(lab.id)).map((lab) => loadLab(lab.id)));
}
