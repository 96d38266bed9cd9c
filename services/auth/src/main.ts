import { startService } from '@commlab/kit';
import { AuthConfig, authSettingsOrExit } from './config.ts';
import { buildService } from './service.ts';

await startService('auth', AuthConfig, async (config, logger) => {
  const service = await buildService(authSettingsOrExit(config), { logger });
  await service.start();
  return service.parts;
});
