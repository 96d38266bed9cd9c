import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { ServiceDefaults } from './define.ts';
import { repoRoot, servicesDir } from './paths.ts';

const cache = new Map<string, ServiceDefaults>();

/**
 * A service's own defaults for labs, from the `lab` field of its package.json. Read as data at
 * run time, as the runner already starts `services/<name>/src/main.ts` by path: the lab package
 * never imports a service's code, and a service never depends on the lab package.
 */
export function serviceDefaults(service: string): ServiceDefaults {
  const known = cache.get(service);
  if (known) return known;
  const file = join(servicesDir, service, 'package.json');
  const shown = relative(repoRoot, file);
  if (!existsSync(file)) throw new Error(`there is no service "${service}" (no ${shown})`);
  const lab = (JSON.parse(readFileSync(file, 'utf8')) as { lab?: unknown }).lab;
  const defaults = checkDefaults(lab, `${shown} "lab"`);
  cache.set(service, defaults);
  return defaults;
}

/** Checks the shape of a `lab` field, naming the first thing wrong. */
export function checkDefaults(value: unknown, where: string): ServiceDefaults {
  const fail = (what: string): never => {
    throw new Error(`${where}: ${what}`);
  };
  if (typeof value !== 'object' || value === null) return fail('missing; give port, health and memory');
  const lab = value as Record<string, unknown>;
  const known = ['port', 'health', 'memory', 'brokers', 'schemas', 'env'];
  const unknown = Object.keys(lab).filter((key) => !known.includes(key));
  if (unknown.length > 0) fail(`unknown field ${unknown.join(', ')} (known: ${known.join(', ')})`);
  if (!Number.isInteger(lab.port) || (lab.port as number) < 1 || (lab.port as number) > 65_535) {
    fail(`port must be a port number, got ${JSON.stringify(lab.port)}`);
  }
  if (lab.health !== 'http' && lab.health !== 'grpc')
    fail(`health must be "http" or "grpc", got ${JSON.stringify(lab.health)}`);
  if (typeof lab.memory !== 'string' || !/^\d+[mg]$/.test(lab.memory)) {
    fail(`memory must be a Compose limit such as "192m", got ${JSON.stringify(lab.memory)}`);
  }
  const settings = (value: unknown, field: string) => {
    if (typeof value !== 'object' || value === null || Object.values(value).some((v) => typeof v !== 'string')) {
      fail(`${field} must map setting names to strings`);
    }
  };
  if (lab.env !== undefined) settings(lab.env, 'env');
  if (lab.brokers !== undefined) {
    if (typeof lab.brokers !== 'object' || lab.brokers === null) fail('brokers must map "SETTING=value" to settings');
    for (const [when, then] of Object.entries(lab.brokers as object)) {
      if (!/^[A-Z][A-Z0-9_]*=\S+$/.test(when)) fail(`brokers: "${when}" is no SETTING=value condition`);
      settings(then, `brokers["${when}"]`);
    }
  }
  if (lab.schemas !== undefined) {
    settings(lab.schemas, 'schemas');
    for (const [when, prefix] of Object.entries(lab.schemas as Record<string, string>)) {
      if (!/^[A-Z][A-Z0-9_]*=\S+$/.test(when)) fail(`schemas: "${when}" is no SETTING=value condition`);
      if (!/^[a-z][a-z0-9_]*$/.test(prefix)) fail(`schemas["${when}"]: "${prefix}" is no schema prefix (a-z, 0-9, _)`);
    }
  }
  return lab as unknown as ServiceDefaults;
}
