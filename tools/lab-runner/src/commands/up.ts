import { join } from 'node:path';
import {
  allPorts,
  colour,
  ensureInfra,
  loadLab,
  nativeInfra,
  reachable,
  runDir,
  say,
  startNative,
} from '@commlab/lab/runner';
import { ensureDebianPackages, servicePackages } from '../debian-packages.ts';
import { guideLine } from '../guide-language.ts';
import { runOptionsFromEnv } from '../run-options.ts';

/** pnpm lab up <lab>: the lab's services as local processes, with their logs, until Ctrl-C. */
export async function up(idOrPrefix: string | undefined): Promise<number> {
  if (!idOrPrefix) {
    say.fail('which lab? e.g. pnpm lab up 01-tour (pnpm lab list shows them all)');
    return 2;
  }
  const lab = await loadLab(idOrPrefix, runOptionsFromEnv());
  say.step(`${colour.bold(`${lab.id}`)} — chapter ${lab.entry.chapter}: ${lab.entry.en} / ${lab.entry.zh}`);

  if (!(await ensureInfra(lab.infra)) || !ensureDebianPackages(servicePackages([lab]))) return 1;
  for (const { key, port } of allPorts(lab)) {
    if (await reachable(`127.0.0.1:${port}`)) {
      say.fail(`port ${port} (for ${key}) is already in use — is this lab already running? (ss -ltnp | grep ${port})`);
      return 1;
    }
  }

  const started = Date.now();
  const running = await startNative(lab, {
    placement: { mode: 'native', infra: nativeInfra() },
    dataDir: join(runDir, lab.id),
    onReady: (name, target, ms) => say.ok(`${name} ready on ${target} (${(ms / 1000).toFixed(1)} s)`),
  }).catch((err: Error) => {
    say.fail(err.message);
    return undefined;
  });
  if (!running) return 1;

  say.line();
  say.ok(colour.bold(`${lab.id} is up in ${((Date.now() - started) / 1000).toFixed(1)} s`));
  for (const link of lab.links) say.line(`   ${link.label.padEnd(22)} ${colour.cyan(running.resolve(link.url))}`);
  say.line(`   ${guideLine(lab.id)}`);
  if (lab.commands?.length) {
    say.line();
    say.line('   Try:');
    for (const { label, command } of lab.commands) say.line(`   ${label.padEnd(22)} ${colour.cyan(command)}`);
  }
  // A lab made only of demos has nothing to keep running: its brokers stay up on their own.
  if (running.services.length === 0) return 0;
  say.line(colour.dim('   Ctrl-C stops everything.'));
  say.line();

  const stopped = new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (code: number) => {
      if (stopping) return;
      stopping = true;
      say.step('stopping...');
      void running.stop().then(() => resolve(code));
    };
    process.once('SIGINT', () => stop(0));
    process.once('SIGTERM', () => stop(0));
    for (const service of running.services) {
      void service.exited.then((code) => {
        if (stopping) return;
        // Killing a replica is a step of its lab (the failover): the others carry on without it.
        const replicaOf = lab.services[service.name]?.replicaOf;
        if (replicaOf) {
          say.warn(`${service.name} exited (code ${code}); the lab runs on without this replica of ${replicaOf}`);
          return;
        }
        say.fail(`${service.name} exited (code ${code}); stopping the lab`);
        stop(1);
      });
    }
  });
  const code = await stopped;
  say.ok('stopped');
  return code;
}
