import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kubernetesDir, labKubernetesFiles, meshLabs, meshOf } from './kubernetes.ts';

/** Every file under a lab's kubernetes/ folder, by path in it. */
function committed(id: string): Record<string, string> {
  const dir = kubernetesDir(id);
  if (!existsSync(dir)) return {};
  return Object.fromEntries(
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile())
      .map((entry) => {
        const file = join(entry.parentPath, entry.name);
        return [relative(dir, file), readFileSync(file, 'utf8')];
      }),
  );
}

describe("a mesh lab's Kubernetes manifests", () => {
  it('are found for lab 07, the mesh lab', async () => {
    expect(await meshLabs()).toContain('07-service-mesh');
  });

  // Generating validates every object against its schema (kubernetes-models, Linkerd's CRDs), so
  // committed files equal to the generator's output are valid ones.
  it('are exactly what lab.ts gives today (no drift: run `pnpm lab k8s` after changing lab.ts)', async () => {
    for (const id of await meshLabs()) {
      const files = await labKubernetesFiles(id);
      expect(Object.keys(committed(id)).sort(), id).toEqual(Object.keys(files).sort());
      for (const [path, text] of Object.entries(files)) expect(committed(id)[path], `${id}/${path}`).toBe(text);
    }
  });

  it("follow a change in lab 07's mesh definition", async () => {
    const mesh = (await meshOf('07-service-mesh'))!;
    const inventory = mesh.upstreams.inventory!;
    const shifted = {
      ...mesh,
      upstreams: {
        inventory: {
          ...inventory,
          versions: {
            v1: { ...inventory.versions.v1!, weight: 50 },
            v2: { ...inventory.versions.v2!, weight: 50 },
          },
        },
      },
    };
    const before = committed('07-service-mesh');
    const after = await labKubernetesFiles('07-service-mesh', shifted);
    const differ = Object.keys(after).filter((path) => after[path] !== before[path]);
    expect(differ).toEqual(['istio/traffic.yaml', 'linkerd/routes.yaml']);
    expect(after['linkerd/routes.yaml']).toMatch(/name: inventory-v2\n\s+port: 50051\n\s+weight: 50/);
    expect(before['linkerd/routes.yaml']).toMatch(/name: inventory-v2\n\s+port: 50051\n\s+weight: 10/);
  });
});
