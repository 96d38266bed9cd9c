import { mkdtempSync, writeFileSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, undocumentedVariables } from '@commlab/kit';
import { AuthConfig, authSettings } from './config.ts';
import { labRegistry } from './registry.ts';

const registryFile = (content: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'commlab-auth-')), 'registry.json');
  writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
};

const settingsFor = (env: Record<string, string>) => authSettings(loadConfig(AuthConfig, env));

describe('auth configuration', () => {
  it('lists every variable it reads in the README table', () => {
    const readme = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
    expect(undocumentedVariables(AuthConfig, readme)).toEqual([]);
  });

  it('derives the issuer and the keys file from PORT and DATA_DIR when they are not set', () => {
    const settings = settingsFor({ PORT: '4000', DATA_DIR: '/tmp/x' });
    expect(settings.issuer).toBe('http://127.0.0.1:4000');
    expect(settings.keysFile).toBe('/tmp/x/auth-keys.json');
    expect(settings.registry).toEqual(labRegistry);
  });

  it('refuses an issuer with a trailing slash, which would never match the iss verifiers expect', () => {
    expect(() => loadConfig(AuthConfig, { AUTH_ISSUER: 'http://auth:3090/' })).toThrow(/AUTH_ISSUER/);
  });

  it('reads a registry file and names every mistake in it, with where it is', () => {
    const file = registryFile({
      resources: { 'urn:x:api': { scopes: ['a:read'] } },
      clients: [
        {
          id: 'svc',
          kind: 'service',
          secret: 'long-enough',
          allow: { 'urn:x:api': ['a:write'], 'urn:x:other': ['b'] },
        },
        { id: 'svc', kind: 'service', secret: 'long-enough', allow: {} },
      ],
      users: [],
    });
    let error: ConfigError | undefined;
    try {
      settingsFor({ AUTH_REGISTRY_FILE: file });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual([
      `AUTH_REGISTRY_FILE ${file} /clients/0/allow: a:write is not a scope of urn:x:api`,
      `AUTH_REGISTRY_FILE ${file} /clients/0/allow: urn:x:other is not a resource of the registry`,
      `AUTH_REGISTRY_FILE ${file} /clients/1: client id svc is used twice`,
    ]);
  });

  it('refuses a registry file that does not fit the schema, naming the path', () => {
    const file = registryFile({ resources: {}, clients: [{ id: 'svc', kind: 'service', secret: 'short' }], users: [] });
    expect(() => settingsFor({ AUTH_REGISTRY_FILE: file })).toThrow(/AUTH_REGISTRY_FILE .* \/clients\/0/);
  });

  it('refuses a registry file that is not JSON', () => {
    expect(() => settingsFor({ AUTH_REGISTRY_FILE: registryFile('{ nope') })).toThrow(/cannot read .* as JSON/);
  });
});
