import { colour, say } from './say.ts';

/** One line of what verify or reset found: ✔ text, or ✖ text with a hint on what to do. */
export interface Outcome {
  ok: boolean;
  text: string;
  hint?: string;
}

export function printOutcome(outcome: Outcome): void {
  if (outcome.ok) return say.ok(outcome.text);
  say.fail(outcome.text);
  if (outcome.hint) console.error(`  ${colour.dim('→')} ${outcome.hint}`);
}
