import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { composeFile } from '../compose.ts';
import { loadLab, readyLabs } from '../labs.ts';
import { labsDir, repoRoot } from '../paths.ts';
import { say } from '../say.ts';

/** The lab whose services make up the root docker-compose.yml (the whole system so far). */
export const rootLab = '01-tour';

/** Writes every ready lab's compose.yaml, and the root docker-compose.yml, from the lab definitions. */
export async function compose(): Promise<number> {
  for (const lab of await readyLabs()) {
    const file = join(labsDir, lab.id, 'compose.yaml');
    writeFileSync(file, composeFile(lab));
    say.ok(`wrote ${relative(repoRoot, file)}`);
  }
  writeFileSync(join(repoRoot, 'docker-compose.yml'), composeFile(await loadLab(rootLab), '.'));
  say.ok('wrote docker-compose.yml');
  return 0;
}
