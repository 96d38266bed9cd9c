import type { HealthImplementation } from 'grpc-health-check';
import type { Logger } from '@commlab/kit';

export interface ReadinessCheck {
  name: string;
  check(): Promise<void>;
}

/**
 * Keeps the gRPC health status ('' = the whole server) in step with what the service needs
 * besides itself, e.g. its broker: NOT_SERVING while a check fails, so probes see it.
 */
export function watchReadiness(
  health: HealthImplementation,
  checks: ReadinessCheck[],
  logger: Logger,
  everyMs = 2_000,
) {
  let failing: string[] = [];
  const round = async () => {
    const results = await Promise.all(
      checks.map((c) =>
        c.check().then(
          () => undefined,
          () => c.name,
        ),
      ),
    );
    const now = results.filter((name): name is string => name !== undefined);
    if (now.join() !== failing.join()) {
      if (now.length > 0) logger.warn({ failing: now }, 'not ready');
      else logger.info('ready again');
    }
    failing = now;
    health.setStatus('', now.length === 0 ? 'SERVING' : 'NOT_SERVING');
  };
  const timer = setInterval(() => void round(), everyMs);
  return { stop: () => clearInterval(timer) };
}
