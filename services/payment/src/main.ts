import { startService } from '@commlab/kit';
import { PaymentConfig } from './config.ts';
import { buildService } from './service.ts';

// Configuration is checked first (a bad variable stops here, exit code 2); what the service
// is made of is in service.ts; on SIGINT/SIGTERM its parts close in order.
await startService('payment', PaymentConfig, async (config, logger) => {
  const service = await buildService(config, { logger });
  await service.start();
  return service.parts;
});
