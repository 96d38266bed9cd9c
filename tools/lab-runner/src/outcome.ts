import { colour, say } from './say.ts';

/** One line of what verify or reset found: ✔ text, or ✖ text with a hint on what to do. */
export interface Outcome {
  ok: boolean;
  text: string;
  hint?: string;
  /** Not tried, because an earlier check failed (it still keeps the verdict from passing). */
  skipped?: boolean;
}

export function printOutcome(outcome: Outcome): void {
  if (outcome.ok) return say.ok(outcome.text);
  if (outcome.skipped) return say.warn(outcome.text);
  say.fail(outcome.text);
  if (outcome.hint) console.error(`  ${colour.dim('→')} ${outcome.hint}`);
}
