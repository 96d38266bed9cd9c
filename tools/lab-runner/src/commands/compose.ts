import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { composeFile, hostBrokersFile, hostBrokersFileName } from '../compose.ts';
import { loadLab, readyLabs } from '../labs.ts';
import { labsDir, repoRoot } from '../paths.ts';
import { say } from '../say.ts';

/** The lab whose services make up the root docker-compose.yml (the whole system so far). */
export const rootLab = '01-tour';

/**
 * Writes every ready lab's compose.yaml and compose.host-brokers.yaml, and the root
 * docker-compose.yml, from the lab definitions.
 */
export async function compose(): Promise<number> {
  for (const lab of await readyLabs()) {
    for (const [name, text] of [
      ['compose.yaml', composeFile(lab)],
      [hostBrokersFileName, hostBrokersFile(lab)],
    ] as const) {
      const file = join(labsDir, lab.id, name);
      writeFileSync(file, text);
      say.ok(`wrote ${relative(repoRoot, file)}`);
    }
  }
  writeFileSync(join(repoRoot, 'docker-compose.yml'), composeFile(await loadLab(rootLab), '.'));
  say.ok('wrote docker-compose.yml');
  return 0;
}
