import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { isActive, type FaultDial } from './dials.ts';

/**
 * The dials live in a flagd flag file (https://flagd.dev/reference/flag-definitions/): one
 * object flag per edge, `fault.<edge>`, whose default variant is the dial. Services read it with
 * OpenFeature's flagd provider (in-process, from the file) and see a change without a restart;
 * in Compose the folder holding it is mounted into every container.
 */
export const flagKey = (edge: string) => `fault.${edge}`;

interface FlagdFile {
  $schema?: string;
  flags: Record<string, { state: 'ENABLED' | 'DISABLED'; variants: Record<string, unknown>; defaultVariant: string }>;
}

const schema = 'https://flagd.dev/schema/v0/flags.json';

/** The dials a flag file holds now, by edge (none when the file does not exist). */
export function readDials(file: string): Record<string, FaultDial> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  const parsed = JSON.parse(text) as FlagdFile;
  const dials: Record<string, FaultDial> = {};
  for (const [key, flag] of Object.entries(parsed.flags ?? {})) {
    if (!key.startsWith('fault.') || flag.state !== 'ENABLED') continue;
    const dial = flag.variants[flag.defaultVariant] as FaultDial | undefined;
    if (isActive(dial)) dials[key.slice('fault.'.length)] = dial;
  }
  return dials;
}

/** Writes the dials as a whole (atomically: a service never reads half a file). */
export function writeDials(file: string, dials: Record<string, FaultDial>): void {
  const flags: FlagdFile['flags'] = {};
  for (const [edge, dial] of Object.entries(dials)) {
    if (!isActive(dial)) continue;
    flags[flagKey(edge)] = { state: 'ENABLED', variants: { dialled: dial, none: {} }, defaultVariant: 'dialled' };
  }
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify({ $schema: schema, flags } satisfies FlagdFile, null, 2)}\n`);
  renameSync(temporary, file);
}

/** Sets (or, with undefined, clears) one edge's dial and keeps the others. */
export function dialEdge(file: string, edge: string, dial: FaultDial | undefined): void {
  const dials = readDials(file);
  if (dial && isActive(dial)) dials[edge] = dial;
  else delete dials[edge];
  writeDials(file, dials);
}
