/**
 * The preload that switches telemetry on for one service process:
 *
 *   NODE_OPTIONS='--import ./packages/telemetry/src/register.ts' node services/order/src/main.ts
 *
 * It starts the OpenTelemetry SDK before the service's own modules load, so the HTTP and gRPC
 * modules the service imports are the instrumented ones. Without it nothing here is loaded, and
 * the seams that speak @opentelemetry/api directly (events, logs, pushes) cost one no-op call.
 */
import { TelemetrySettingsError, telemetrySettings, type TelemetrySettings } from './settings.ts';

// NODE_OPTIONS reaches every Node process started with the service's environment, such as a
// container's healthcheck probe: only the service itself is worth tracing, and only then is the
// SDK loaded (a probe that loaded it would take seconds on a busy machine, past its timeout).
let settings: TelemetrySettings | undefined;
try {
  settings = telemetrySettings(process.env, process.argv[1]);
} catch (err) {
  if (!(err instanceof TelemetrySettingsError)) throw err;
  // As a service refuses any bad setting: exit 2, naming the variable.
  console.error(`${process.env.SERVICE_NAME ?? 'service'}: cannot start, ${err.message}`);
  process.exit(2);
}
if (settings) {
  // Services import @grpc/grpc-js as an ES module, which the instrumentation's require hook never
  // sees: an ESM loader hook patches it, and only it (every other module loads unhooked). The
  // synchronous hooks run on the service's own thread; module.register()'s loader thread cost
  // each service about 40 MiB.
  const { register } = await import('import-in-the-middle/register-hooks.mjs');
  register({ include: ['@grpc/grpc-js'] });
  const { startTelemetry } = await import('./sdk.ts');
  startTelemetry(settings);
}
