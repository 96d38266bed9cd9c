import { writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  rootLab,
  composeFile,
  hostBrokersFile,
  hostBrokersFileName,
  labsDir,
  loadLab,
  readyLabs,
  repoRoot,
  say,
} from '@commlab/lab/runner';

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
