import { catalogue, colour, isReady, say } from '@commlab/lab/runner';
import { guidesLine } from '../guide-language.ts';

export function list(): number {
  say.line(colour.bold('Labs — one per chapter of the book'));
  for (const lab of catalogue) {
    const state = isReady(lab.id) ? colour.green('ready  ') : colour.dim('planned');
    say.line(`  ${state}  ${lab.id.padEnd(20)} ch. ${lab.chapter.padEnd(3)} ${lab.en}  ${colour.dim(lab.zh)}`);
  }
  say.line();
  say.line(guidesLine());
  say.line(`Run one: ${colour.cyan('pnpm lab up 01-tour')}   (or ./lab up 01-tour on a fresh machine)`);
  return 0;
}
