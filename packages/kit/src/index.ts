export { loadConfig, ConfigError, CommonConfig } from './config.ts';
export { createLogger, type Logger } from './logger.ts';
export { handleShutdown, type Closeable } from './shutdown.ts';
export { probe } from './probe.ts';
export { problemContentType, type Problem } from './problem.ts';
export { startService } from './start.ts';
export { CompactRequestLog } from './http-log.ts';
export { healthRoutes, type ReadinessCheck } from './health-routes.ts';
