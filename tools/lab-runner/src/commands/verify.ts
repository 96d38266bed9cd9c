import { colour, labAt, loadLab, nativeInfra, type Outcome, printOutcome, say } from '@commlab/lab/runner';
import { runOptionsFromEnv } from '../run-options.ts';
import { verifyLab } from '../verify/verify-lab.ts';

/** pnpm lab verify <lab>: is the lab on its own ports (native or Compose) working? Exit 0 when all is. */
export async function verify(idOrPrefix: string | undefined): Promise<number> {
  if (!idOrPrefix) {
    say.fail('which lab? e.g. pnpm lab verify 01-tour');
    return 2;
  }
  const lab = await loadLab(idOrPrefix, runOptionsFromEnv());
  say.step(`verifying ${colour.bold(lab.id)} on its own ports`);
  const placement = { mode: 'native' as const, infra: nativeInfra() };
  const outcomes = await verifyLab(lab, labAt(lab, placement), placement.infra, printOutcome);
  return verdict(lab.id, outcomes);
}

/** The last line an attendee reads, and the exit code a trainer's script reads. */
export function verdict(labId: string, outcomes: readonly Outcome[]): number {
  const tried = outcomes.filter((o) => !o.skipped);
  const failed = tried.filter((o) => !o.ok).length;
  const skipped = outcomes.length - tried.length;
  say.line();
  if (failed === 0 && skipped === 0) {
    say.line(colour.green(`${labId}: all ${tried.length} checks pass — done.`));
    return 0;
  }
  const notTried = skipped > 0 ? ` (${skipped} more not tried yet)` : '';
  say.line(
    colour.red(
      `${labId}: ${failed} of ${tried.length} checks fail${notTried} — follow the hints above (→), then run it again.`,
    ),
  );
  return 1;
}
