import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { repoRoot, serviceDefaults } from '@commlab/lab/runner';

type Schema = { properties?: { PORT?: { default?: unknown } } };

// The lab package may not import a service; this tool's test may, to keep the two in step.
describe("each service's lab defaults", () => {
  const services = readdirSync(join(repoRoot, 'services'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name);

  it.each(services)("name %s's own default port (its config's PORT)", async (service) => {
    const config = (await import(pathToFileURL(join(repoRoot, 'services', service, 'src/config.ts')).href)) as Record<
      string,
      Schema
    >;
    const ports = Object.values(config).flatMap((schema) => schema?.properties?.PORT?.default ?? []);
    expect(ports).toHaveLength(1);
    expect(serviceDefaults(service).port).toBe(ports[0]);
  });
});
