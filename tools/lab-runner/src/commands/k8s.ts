import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { labEntry, repoRoot, say } from '@commlab/lab/runner';
import { kubernetesDir, labKubernetesFiles, meshLabs, meshOf } from '../kubernetes.ts';

/**
 * Writes the Kubernetes manifests (Istio and Linkerd) of one mesh lab, or of every lab that
 * defines a mesh, from its lab.ts. Files the definition no longer makes are deleted, so the
 * folder holds exactly what the generator gives.
 */
export async function k8s(args: string[]): Promise<number> {
  const ids = args[0] ? [labEntry(args[0]).id] : await meshLabs();
  for (const id of ids) {
    if (!(await meshOf(id))) {
      say.fail(`labs/${id}/lab.ts defines no mesh (export const mesh: MeshDefinition): nothing to write`);
      return 1;
    }
    const files = await labKubernetesFiles(id);
    const dir = kubernetesDir(id);
    mkdirSync(dir, { recursive: true });
    for (const stale of readdirSync(dir, { recursive: true, withFileTypes: true }).filter((f) => f.isFile())) {
      const path = relative(dir, join(stale.parentPath, stale.name));
      if (!(path in files)) rmSync(join(dir, path));
    }
    for (const [path, text] of Object.entries(files)) {
      const file = join(dir, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, text);
      say.ok(`wrote ${relative(repoRoot, file)}`);
    }
  }
  return 0;
}
