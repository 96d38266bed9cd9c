import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { catalogue, type LabEntry } from './catalogue.ts';
import type { LabSpec } from './define.ts';
import { labsDir } from './paths.ts';

export function labEntry(idOrPrefix: string): LabEntry {
  const entry = catalogue.find((lab) => lab.id === idOrPrefix || lab.id.startsWith(`${idOrPrefix}-`));
  if (!entry) {
    throw new Error(`unknown lab "${idOrPrefix}"; \`pnpm lab list\` shows them all`);
  }
  return entry;
}

export function isReady(id: string): boolean {
  return existsSync(join(labsDir, id, 'lab.ts'));
}

export async function loadLab(idOrPrefix: string): Promise<LabSpec & { entry: LabEntry }> {
  const entry = labEntry(idOrPrefix);
  if (!isReady(entry.id)) throw new Error(`lab ${entry.id} is not built yet (chapter ${entry.chapter})`);
  const module = (await import(pathToFileURL(join(labsDir, entry.id, 'lab.ts')).href)) as { default: LabSpec };
  return { ...module.default, entry };
}

export async function readyLabs() {
  return Promise.all(catalogue.filter((lab) => isReady(lab.id)).map((lab) => loadLab(lab.id)));
}
