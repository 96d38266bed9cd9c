import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromiumPath, say } from '@commlab/lab/runner';

const install = 'apt-get update && apt-get install -y chromium';

/**
 * Makes sure Chromium is installed for the browser tests. As root with apt-get it installs
 * Debian's package; otherwise it names the exact command to run. Resolves false when missing.
 */
export function ensureChromium(): boolean {
  if (existsSync(chromiumPath)) return true;
  const canInstall =
    process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (canInstall) {
    say.step(`Chromium is missing (${chromiumPath}); installing it: ${install}`);
    spawnSync('sh', ['-c', install], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync(chromiumPath)) return true;
  }
  say.fail(`Chromium is not installed at ${chromiumPath}; the browser tests need it. Fix: sudo sh -c '${install}'`);
  return false;
}
