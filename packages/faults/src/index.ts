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
export { noFaultDials, openFaultDials, type FaultDials } from './fault-dials.ts';
export { grpcFaultInterceptor, type GrpcFaultOptions } from './grpc-server.ts';
