import { spawnSync } from 'node:child_process';
import type { Infra } from '../define.ts';
import { infraAddress, nativeInfra, reachable } from '../infra.ts';
import { readyLabs } from '../labs.ts';
import { colour, say } from '../say.ts';
import { allPorts } from '../topology.ts';

/** pnpm lab doctor: what a workshop machine has and lacks, with the fix for each gap. Changes nothing. */
export async function doctor(): Promise<number> {
  let problems = 0;
  const report = (ok: boolean, text: string, fix?: string) => {
    if (ok) say.ok(text);
    else {
      problems++;
      say.fail(`${text}${fix ? ` — ${fix}` : ''}`);
    }
  };

  const major = Number(process.versions.node.split('.')[0]);
  report(major >= 24, `Node.js ${process.version}`, 'Node 24 LTS is the target; ./lab fetches it for you');

  const infra = nativeInfra();
  const endpoints: Record<Infra, string> = {
    kafka: infra['kafka.brokers']!.split(',')[0]!,
    rabbitmq: infraAddress('rabbitmq', infra),
    postgres: new URL(infra['postgres.url']!).host,
    redis: new URL(infra['redis.url']!).host,
  };
  for (const [name, address] of Object.entries(endpoints)) {
    const ok = await reachable(address);
    if (ok) say.ok(`${name} answers on ${address}`);
    else say.warn(`${name} not answering on ${address} (pnpm lab up starts or names it when a lab needs it)`);
  }

  for (const lab of await readyLabs()) {
    for (const { key, port } of allPorts(lab)) {
      const busy = await reachable(`127.0.0.1:${port}`);
      report(
        !busy,
        `port ${port} free (${lab.id} ${key})`,
        'something else listens there; stop it or that lab cannot start',
      );
    }
  }

  const engine = ['docker', 'podman'].find((bin) => spawnSync(bin, ['info'], { stdio: 'ignore' }).status === 0);
  if (engine) say.ok(`container engine: ${engine} (Compose runs work)`);
  else say.warn('no running Docker or Podman engine: native runs only (that is fine for every lab)');

  say.line();
  say.line(problems === 0 ? colour.green('Ready for the labs.') : colour.red(`${problems} problem(s) to fix first.`));
  return problems === 0 ? 0 : 1;
}
