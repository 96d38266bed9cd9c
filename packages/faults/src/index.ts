// Everything file.ts has (what writing and reading dials needs), and the dials at run time.
export * from './file.ts';
export { noFaultDials, openFaultDials, type FaultDials } from './fault-dials.ts';
export { grpcFaultInterceptor, type GrpcFaultOptions } from './grpc-server.ts';
