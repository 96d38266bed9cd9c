import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MeshDefinition } from '@commlab/mesh';
import { kubernetesFiles, type KubernetesContainer } from '@commlab/mesh/kubernetes';
import { labsDir, readyLabs, serviceDefaults, serviceImage } from '@commlab/lab/runner';

/** Where a lab's generated manifests live: labs/<id>/kubernetes/{istio,linkerd}/. */
export const kubernetesDir = (id: string): string => join(labsDir, id, 'kubernetes');

/** The mesh a lab's lab.ts exports (`export const mesh`), if it has one. */
export async function meshOf(id: string): Promise<MeshDefinition | undefined> {
  const module = (await import(pathToFileURL(join(labsDir, id, 'lab.ts')).href)) as { mesh?: MeshDefinition };
  return module.mesh;
}

/** The ready labs that define a mesh, by id. */
export async function meshLabs(): Promise<string[]> {
  const ids: string[] = [];
  for (const lab of await readyLabs()) if (await meshOf(lab.id)) ids.push(lab.id);
  return ids;
}

/**
 * A mesh lab's Kubernetes manifests, by path under its kubernetes/ folder. Each workload runs the
 * image Compose runs, on its service's own port (every pod has its own address, so nothing is
 * moved as on one host), with the settings a container gets from the lab; the mesh adds where
 * it finds its upstreams.
 */
export async function labKubernetesFiles(id: string, mesh?: MeshDefinition): Promise<Record<string, string>> {
  const definition = mesh ?? (await meshOf(id));
  if (!definition) throw new Error(`labs/${id}/lab.ts defines no mesh (export const mesh: MeshDefinition)`);
  const containers: Record<string, KubernetesContainer> = {};
  for (const [name, workload] of Object.entries(definition.workloads)) {
    const service = workload.service ?? name;
    const defaults = serviceDefaults(service);
    const own = { ...defaults.env, ...workload.env };
    const placeholders = Object.entries(own).filter(([, value]) => value.includes('${'));
    if (placeholders.length > 0) {
      throw new Error(
        `workload ${name}: ${placeholders.map(([key]) => key).join(', ')} name other parts of the lab, which the Kubernetes manifests cannot resolve yet`,
      );
    }
    containers[name] = {
      image: serviceImage(service),
      port: defaults.port,
      health: defaults.health,
      memory: workload.memory ?? defaults.memory,
      env: {
        SERVICE_NAME: name,
        PORT: String(defaults.port),
        // In a pod the mesh's proxy reaches the service on the pod's address, not on loopback.
        HOST: '0.0.0.0',
        LOG_FORMAT: 'json',
        ...own,
      },
    };
  }
  return kubernetesFiles(definition, {
    namespace: `commlab-${id}`,
    containers,
    source: `labs/${id}/lab.ts by \`pnpm lab k8s ${id.slice(0, 2)}\``,
  });
}
