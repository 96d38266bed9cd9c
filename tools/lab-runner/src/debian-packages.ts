import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumPath, repoRoot, say, type Lab } from '@commlab/lab/runner';

/** A Debian package that something here runs natively, and how to tell it is installed. */
export interface DebianNeed {
  pkg: string;
  /** Who needs it, for the messages. */
  by: string;
  installed: () => boolean;
}

const sh = (script: string) => spawnSync('sh', ['-c', script], { stdio: 'ignore' }).status === 0;

/** Debian's Chromium, for the browser tests. */
export const chromium: DebianNeed = {
  pkg: 'chromium',
  by: 'the browser tests',
  installed: () => existsSync(chromiumPath),
};

/**
 * The packages the labs' services list in services/<name>/debian-packages: the programs they run
 * (lab 07's sidecar runs HAProxy). Their images install them; natively the machine must have them.
 */
export function servicePackages(labs: readonly Lab[]): DebianNeed[] {
  const folders = new Set(labs.flatMap((lab) => Object.values(lab.services).map((spec) => spec.service)));
  return [...folders].flatMap((folder) => {
    const file = join(repoRoot, 'services', folder, 'debian-packages');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .split(/\s+/)
      .filter(Boolean)
      .map((pkg) => ({
        pkg,
        by: `services/${folder}`,
        // The package's own command, or dpkg's word where its command has another name.
        installed: () =>
          sh(
            `command -v ${pkg} || test -x /usr/sbin/${pkg} || dpkg-query -W -f '\${Status}' ${pkg} | grep -q 'ok installed'`,
          ),
      }));
  });
}

/**
 * Installs the missing ones in one apt-get run when this is root on a machine with apt-get (CI,
 * a fresh workshop machine); otherwise names the exact command to run. False while any is missing.
 */
export function ensureDebianPackages(needs: readonly DebianNeed[]): boolean {
  const missing = needs.filter((need, i) => needs.findIndex((n) => n.pkg === need.pkg) === i && !need.installed());
  if (missing.length === 0) return true;
  const install = `apt-get update && apt-get install -y ${missing.map((n) => n.pkg).join(' ')}`;
  const named = missing.map((n) => `${n.pkg} (for ${n.by})`).join(', ');
  if (process.getuid?.() === 0 && sh('command -v apt-get')) {
    say.step(`missing ${named}; installing: ${install}`);
    spawnSync('sh', ['-c', install], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const still = missing.filter((n) => !n.installed());
  for (const n of still) say.fail(`${n.pkg} is not installed; ${n.by} needs it. Fix: sudo sh -c '${install}'`);
  return still.length === 0;
}
