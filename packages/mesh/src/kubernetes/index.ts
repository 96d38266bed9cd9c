// The Kubernetes manifests of a mesh, for the lab runner (`pnpm lab k8s`). A subpath of its own,
// not in the package's main entry: a sidecar imports @commlab/mesh at every start and has no use
// for the Kubernetes models (and its image installs none: they are development dependencies).
export { kubernetesFiles, kubernetesObjects, validateObject, type MeshFlavour } from './manifests.ts';
export type { KubernetesContainer, KubernetesOptions } from './options.ts';
