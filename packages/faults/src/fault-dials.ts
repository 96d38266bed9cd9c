import { accessSync, constants, watchFile } from 'node:fs';
import { FlagdProvider } from '@openfeature/flagd-provider';
import { OpenFeature, ProviderEvents, type Client, type JsonValue } from '@openfeature/server-sdk';
import { describeDial, isActive, type FaultDial } from './dials.ts';
import { flagKey, readDials, writeDials } from './flag-file.ts';

interface Log {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/** The dials of the edges into one service, as its seams ask for them on each call. */
export interface FaultDials {
  /** The dial on an edge now, if one is set. */
  dial(edge: string): Promise<FaultDial | undefined>;
  close(): Promise<void>;
}

export const noFaultDials: FaultDials = { dial: () => Promise.resolve(undefined), close: () => Promise.resolve() };

/** How often the flag file is looked at. The provider's own watch polls every 5 s, too slow to turn a dial by hand. */
const pollMs = 200;

/**
 * Opens the flag file at `file` through OpenFeature with the flagd provider, in-process: each
 * call's dial is one flag evaluation, and a changed file is picked up within `pollMs`. A missing
 * file is created empty (no dials); one that cannot be read stops start-up, naming it.
 */
export async function openFaultDials(file: string, logger: Log): Promise<FaultDials> {
  try {
    accessSync(file, constants.R_OK);
  } catch {
    try {
      writeDials(file, {});
    } catch (err) {
      throw new Error(`FAULTS_FILE ${file} does not exist and cannot be created: ${(err as Error).message}`, {
        cause: err,
      });
    }
  }
  // The provider watches with fs.watchFile at its 5 s default; Node shares one stat watcher per
  // file and the first caller's interval is kept, so starting ours first makes dials take effect
  // within pollMs. Polling rather than inotify is what sees a file changed through a bind mount.
  watchFile(file, { interval: pollMs, persistent: false }, () => {});
  const provider = new FlagdProvider({ resolverType: 'in-process', offlineFlagSourcePath: file });
  // A domain per file: two services in one process (tests) keep their own dials.
  const domain = `faults:${file}`;
  await OpenFeature.setProviderAndWait(domain, provider);
  const client: Client = OpenFeature.getClient(domain);
  client.addHandler(ProviderEvents.ConfigurationChanged, () => {
    const dials = Object.entries(readDials(file)).map(([edge, dial]) => `${edge}: ${describeDial(dial)}`);
    logger.info({ file, dials }, dials.length ? `fault dials now ${dials.join('; ')}` : 'fault dials cleared');
  });
  // The first evaluation sets up the provider's evaluator; do it now, not on a caller's time.
  await client.getObjectValue(flagKey('warm-up'), {} as JsonValue);
  logger.info({ file }, 'fault dials read from the flag file');
  return {
    dial: async (edge) => {
      const value = await client.getObjectValue(flagKey(edge), {} as JsonValue);
      const dial = value as FaultDial;
      return isActive(dial) ? dial : undefined;
    },
    close: async () => {
      await provider.onClose();
    },
  };
}
