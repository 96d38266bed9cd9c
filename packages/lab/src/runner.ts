// What the command-line tool (tools/lab-runner) builds on: loading, running, generating,
// checking and resetting labs.
export { catalogue, type LabEntry } from './catalogue.ts';
export type { ServiceControls } from './controls.ts';
export { infraNames, type Infra, type Lab, type RunOptions, type ServiceDefaults, type ServiceSpec } from './define.ts';
export { clusterOfNode, clusterRunning, clusters, isCluster, type ClusterInfo, type ClusterName } from './clusters.ts';
export {
  checkInfra,
  ensureInfra,
  stopStartedInfra,
  infraAddress,
  nativeInfra,
  reachable,
  splitHostPort,
} from './infra.ts';
export { formatLabPorts, parseLabPorts } from './lab-ports.ts';
export { isReady, labEntry, loadLab, readyLabs } from './labs.ts';
export { inNamespaces, labNamespace } from './namespace.ts';
export { printOutcome, type Outcome } from './outcome.ts';
export { bin, labsDir, repoRoot, runDir } from './paths.ts';
export { faultsFileOf } from './faults.ts';
export { consoleName, resolveLab } from './resolve-lab.ts';
export { colour, say, serviceColour } from './say.ts';
export { serviceDefaults } from './service-defaults.ts';
export {
  allPorts,
  composeInfra,
  healthTarget,
  labAt,
  partOfLab,
  portOf,
  resolve,
  serviceEnv,
  startOrder,
  type InfraEndpoints,
  type LabAt,
  type Placement,
} from './topology.ts';
export { startNative, type NativeLab } from './native/run-lab.ts';
export {
  composeFile,
  hostBrokersFile,
  hostBrokersFileName,
  rootLab,
  runFile,
  serviceImage,
} from './compose/compose-file.ts';
export { grafanaPort, provisionedFor, type PanelQuery, type Provisioned } from './compose/grafana.ts';
export {
  containerOf,
  engineFromEnv,
  engines,
  seconds,
  type Container,
  type Engine,
  type EngineName,
} from './compose/engine.ts';
export { logsOf, memoryOf, type ContainerMemory } from './compose/project.ts';
export { run, stopRunning, tail, type Ran } from './compose/run.ts';
export { resetLab, type ResetTarget } from './reset/reset-lab.ts';
export { chromiumPath } from './testing/chromium.ts';
export { labTarget, startLab, type LabTarget, type LabUnderTest, type StartLabOptions } from './testing/start-lab.ts';
export { guideFiles } from './testing/guide-parity.ts';
