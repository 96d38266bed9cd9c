import { join } from 'node:path';
import {
  colour,
  labAt,
  labNamespace,
  loadLab,
  nativeInfra,
  printOutcome,
  resetLab,
  runDir,
  say,
} from '@commlab/lab/runner';
import { runOptionsFromEnv } from '../run-options.ts';

/** pnpm lab reset <lab>: a stopped lab back to a fresh start (its data, queues and topics gone). */
export async function reset(idOrPrefix: string | undefined): Promise<number> {
  if (!idOrPrefix) {
    say.fail('which lab? e.g. pnpm lab reset 01-tour');
    return 2;
  }
  const lab = await loadLab(idOrPrefix, runOptionsFromEnv());
  const placement = { mode: 'native' as const, infra: nativeInfra() };
  const at = labAt(lab, placement);
  // Whatever namespace the services run under (lab.ts may set its own), and the lab's own for its demos.
  const namespaces = [
    ...new Set([labNamespace(lab.id), ...Object.keys(lab.services).flatMap((n) => at.env(n).EVENT_NAMESPACE ?? [])]),
  ];
  say.step(
    `resetting ${colour.bold(lab.id)}: its data in .run/${lab.id}, broker names ${namespaces.map((n) => `${n}.*`).join(', ')}`,
  );
  const outcomes = await resetLab(
    lab,
    { at, dataDir: join(runDir, lab.id), namespaces, infra: placement.infra, wipeClusters: true },
    printOutcome,
  );
  const ok = outcomes.every((o) => o.ok);
  say.line();
  say.line(
    ok
      ? colour.green(`${lab.id} is reset: the next pnpm lab up starts from scratch.`)
      : colour.red(`${lab.id} is not fully reset — see above.`),
  );
  return ok ? 0 : 1;
}
