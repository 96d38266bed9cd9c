import { startService } from '@commlab/kit';
import { CdcConfig } from './config.ts';
import { buildService } from './service.ts';

// Configuration is read and checked by startService (a bad value exits 2, naming it); SIGINT
// and SIGTERM close the service's parts in turn. The connector itself stays registered: it is
// the lab's, and `pnpm lab reset 08` removes it with its slot, publication and topic.
await startService('cdc', CdcConfig, async (config, logger) => {
  const service = await buildService(config, { logger });
  await service.start();
  return service.parts;
});
