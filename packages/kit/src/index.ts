export { loadConfig, ConfigError, CommonConfig } from './config.ts';
export { createLogger, prettyLogOptions, type Logger } from './logger.ts';
export { closeInTurn, type Closeable } from './shutdown.ts';
export { probe } from './probe.ts';
export {
  commonProblemTypes,
  defineProblems,
  ProblemError,
  problemContentType,
  problemDetails,
  sendProblem,
  type CommonProblemSlug,
  type Problem,
  type ProblemCatalogue,
  type ProblemDetailsOptions,
  type ProblemType,
} from './problem-details.ts';
export { startService } from './start.ts';
export { CompactRequestLog } from './http-log.ts';
export { undocumentedProblems, undocumentedVariables } from './documented.ts';
export { drainOnClose } from './http-drain.ts';
export { tlsTargetOptions } from './grpc-tls.ts';
export { serviceHttpApp, type ServiceHttpAppOptions } from './http-app.ts';
export { healthRoutes, type ReadinessCheck } from './health-routes.ts';
export { requestIdHeader, requestIdFrom } from './request-id.ts';
export { requestTimeoutHeader, requestTimeoutFrom } from './request-timeout.ts';
export { edgeReporter, noEdgeReporter, type EdgeCrossing, type EdgeReporter } from './edges.ts';
export { callerHeader, reportingInterceptor } from './grpc-edges.ts';
export { reportRequests } from './http-edges.ts';
export { busEdges, type BusEdges, type ReportedEvent } from './bus-edges.ts';
export { pushTraced } from './tracing.ts';
