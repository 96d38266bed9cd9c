/**
 * Lab guides are executable: a fenced block marked ```sh check is a command CI runs, and the
 * next fenced block after a "You should see" line is its expected output, where "…" stands
 * for anything (ids, times). Blocks marked plain ```sh are shown, not run (long-running
 * commands, steps that stop services).
 */
export interface GuideStep {
  command: string;
  expected: string | undefined;
  line: number;
}

const fence = /^```(\S*)(.*)$/;

export function guideSteps(markdown: string): GuideStep[] {
  const lines = markdown.split('\n');
  const blocks: { info: string; body: string; line: number; seeAbove: boolean }[] = [];
  let sawYouShouldSee = false;
  for (let i = 0; i < lines.length; i++) {
    const open = fence.exec(lines[i]!);
    if (!open) {
      if (/you should see/i.test(lines[i]!)) sawYouShouldSee = true;
      continue;
    }
    const start = i;
    const body: string[] = [];
    while (++i < lines.length && !lines[i]!.startsWith('```')) body.push(lines[i]!);
    blocks.push({
      info: `${open[1]}${open[2]}`.trim(),
      body: body.join('\n'),
      line: start + 1,
      seeAbove: sawYouShouldSee,
    });
    sawYouShouldSee = false;
  }
  const steps: GuideStep[] = [];
  blocks.forEach((block, index) => {
    if (block.info !== 'sh check') return;
    const next = blocks[index + 1];
    steps.push({ command: block.body, expected: next?.seeAbove ? next.body : undefined, line: block.line });
  });
  return steps;
}

/**
 * Whether output matches an expected block, "…" matching any text and whitespace matching any
 * whitespace or none — so a guide may show compact JSON output pretty-printed (prettier does).
 */
export function matchesExpected(output: string, expected: string): boolean {
  const pattern = expected
    .trim()
    .split('…')
    .map((part) =>
      part
        .split(/\s+/)
        .map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('\\s*'),
    )
    .join('[\\s\\S]*?');
  return new RegExp(`^${pattern}$`).test(output.trim());
}
