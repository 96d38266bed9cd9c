export {
  certsDir,
  checkMesh,
  identityOf,
  meshLab,
  sidecarOf,
  sidecarPorts,
  sidecarService,
  upstreamServedBy,
  type MeshDefinition,
  type MeshLabService,
  type MeshProtocol,
  type MeshUpstream,
  type MeshWorkload,
} from './define.ts';
export { haproxyConfig, spiffeSanHex, type RenderOptions } from './haproxy-config.ts';
export { parseSidecarSpec, SidecarSpec } from './sidecar-spec.ts';
export { runtimeApi, serverStats, setFault, setWeights, type ServerStat, type SidecarFault } from './runtime-api.ts';
export { ensureCertificates, hasCertificate } from './certificates.ts';
