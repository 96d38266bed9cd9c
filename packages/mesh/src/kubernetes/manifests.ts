import { stringify } from 'yaml';
import { checkMesh, type MeshDefinition } from '../define.ts';
import { istioObjects } from './istio.ts';
import { linkerdObjects } from './linkerd.ts';
import { validateLinkerdPolicy } from './linkerd-policy.ts';
import type { KubernetesOptions } from './options.ts';

export type MeshFlavour = 'istio' | 'linkerd';

/** Every object of both meshes, by path under the lab's kubernetes/ folder (istio/traffic.yaml, ...). */
export function kubernetesObjects(mesh: MeshDefinition, options: KubernetesOptions): Record<string, object[]> {
  checkMesh(mesh);
  const files: Record<string, object[]> = {};
  const flavours: [MeshFlavour, Record<string, object[]>][] = [
    ['istio', istioObjects(mesh, options)],
    ['linkerd', linkerdObjects(mesh, options)],
  ];
  for (const [flavour, objects] of flavours) {
    for (const [file, list] of Object.entries(objects)) files[`${flavour}/${file}`] = list;
  }
  return files;
}

/**
 * The files to write: each object validated against its schema first (a generator that makes
 * an invalid object fails here, not in a reader's cluster), then as YAML documents, and per
 * mesh a kustomization.yaml listing them, for `kubectl apply -k`.
 */
export function kubernetesFiles(mesh: MeshDefinition, options: KubernetesOptions): Record<string, string> {
  const files: Record<string, string> = {};
  const resources: Record<string, string[]> = {};
  for (const [path, objects] of Object.entries(kubernetesObjects(mesh, options))) {
    const plain = objects.map((object) => {
      validateObject(object);
      return isModel(object) ? (object.toJSON() as object) : object;
    });
    files[path] = header(options) + plain.map((object) => stringify(object, { lineWidth: 0 })).join('---\n');
    const [flavour, file] = path.split('/') as [string, string];
    (resources[flavour] ??= []).push(file);
  }
  for (const [flavour, list] of Object.entries(resources)) {
    files[`${flavour}/kustomization.yaml`] =
      header(options) +
      stringify({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: list });
  }
  return files;
}

/**
 * Checks one object against its schema: a kubernetes-models class (core, Istio, Gateway API)
 * by its own validate(), a Linkerd policy object by Linkerd's CRD. Throws naming the problem.
 */
export function validateObject(object: object): void {
  if (isModel(object)) {
    object.validate();
    return;
  }
  const { apiVersion } = object as { apiVersion?: string };
  if (apiVersion?.startsWith('policy.linkerd.io/')) {
    validateLinkerdPolicy(object as { apiVersion: string; kind: string });
    return;
  }
  throw new Error(`no schema to validate ${JSON.stringify(object).slice(0, 80)} against`);
}

/** A kubernetes-models object (its classes come from several packages, so by shape, not class). */
function isModel(object: object): object is { validate(): void; toJSON(): unknown } {
  return typeof (object as { validate?: unknown }).validate === 'function';
}

function header({ source }: KubernetesOptions): string {
  return [
    `# Generated from ${source}. Do not edit: change lab.ts and regenerate; a test fails when`,
    "# this file and lab.ts disagree. Validated against the resources' schemas; not applied to a live cluster here.",
    '',
  ].join('\n');
}
