import { colour } from './say.ts';

/** One line of what verify or reset found: ✔ text, or ✖ text with a hint on what to do. */
export interface Outcome {
  ok: boolean;
  text: string;
  hint?: string;
  /** Not tried, because an earlier check failed (it still keeps the verdict from passing). */
  skipped?: boolean;
}

/** All on stdout, failures included: it is one report, read top to bottom (also when piped to a file). */
export function printOutcome(outcome: Outcome): void {
  if (outcome.ok) return console.log(`${colour.green('✔')} ${outcome.text}`);
  if (outcome.skipped) return console.log(`${colour.yellow('!')} ${outcome.text}`);
  console.log(`${colour.red('✖')} ${outcome.text}`);
  if (outcome.hint) console.log(`  ${colour.dim('→')} ${outcome.hint}`);
}
