import { spawn } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startAuthServer } from './helpers.ts';

const main = fileURLToPath(new URL('../src/main.ts', import.meta.url));

function run(env: Record<string, string>) {
  const child = spawn(process.execPath, [main], {
    env: { ...process.env, LOG_FORMAT: 'json', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c) => (output += c));
  child.stderr.on('data', (c) => (output += c));
  return new Promise<{ code: number | null; output: string }>((resolve) =>
    child.once('exit', (code) => resolve({ code, output })),
  );
}

describe('the auth server process', () => {
  it('refuses to start on a registry mistake, naming the file and the path, with exit code 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'commlab-auth-'));
    const file = join(dir, 'registry.json');
    writeFileSync(
      file,
      JSON.stringify({
        resources: {},
        clients: [{ id: 'x', kind: 'service', secret: '12345678', allow: { 'urn:a:b': ['s'] } }],
        users: [],
      }),
    );
    const { code, output } = await run({ PORT: '0', DATA_DIR: dir, AUTH_REGISTRY_FILE: file });
    expect(code).toBe(2);
    expect(output).toContain(`AUTH_REGISTRY_FILE ${file} /clients/0/allow: urn:a:b is not a resource of the registry`);
  });

  it('refuses to start on a damaged keys file instead of making new keys that void every token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'commlab-auth-'));
    writeFileSync(join(dir, 'auth-keys.json'), '{"keys": [{"kid": 1}]}');
    const { code, output } = await run({ PORT: '0', DATA_DIR: dir });
    expect(code).toBe(1);
    expect(output).toContain(`${join(dir, 'auth-keys.json')} is not a keys file this server wrote`);
  });

  it('keeps its keys readable by its own user only, and exits 0 on SIGTERM', async () => {
    const auth = await startAuthServer();
    expect(statSync(join(auth.dataDir, 'auth-keys.json')).mode & 0o777).toBe(0o600);
    expect(await auth.stop()).toBe(0);
    expect(auth.output()).toContain('"msg":"stopped"');
  });
});
