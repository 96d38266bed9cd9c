import { startService } from '@commlab/kit';
import { SidecarConfig } from './config.ts';
import { buildService } from './service.ts';

// Configuration is read and checked by startService (a bad value exits 2, naming it); SIGINT
// and SIGTERM stop HAProxy gracefully.
await startService('mesh-sidecar', SidecarConfig, async (config, logger) => {
  const service = buildService(config, { logger });
  await service.start();
  return service.parts;
});
