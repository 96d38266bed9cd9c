import { startService } from '@commlab/kit';
import { OrderConfig } from './config.ts';
import { buildService } from './service.ts';

// Configuration is read and checked by startService (a bad value exits 2, naming it); SIGINT
// and SIGTERM close the service's parts in turn.
await startService('order', OrderConfig, async (config, logger) => {
  const service = await buildService(config, { logger });
  await service.start();
  return service.parts;
});
