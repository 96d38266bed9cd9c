// What writing and reading dials needs, without OpenFeature and its provider (which load gRPC
// and protobuf): `pnpm lab fault` and the lab's tests import only this.
export {
  DialError,
  delayOf,
  describeDial,
  edgePattern,
  isActive,
  parseDial,
  parseDuration,
  parseRate,
  type FaultDial,
} from './dials.ts';
export { dialEdge, flagKey, readDials, writeDials } from './flag-file.ts';
