/**
 * Lab guides are executable: a fenced block marked ```sh check is a command CI runs, and the
 * next fenced block after a "You should see" line ("你应该看到" in a Chinese guide) is its
 * expected output, where "…" stands for anything (ids, times). Blocks marked plain ```sh are
 * shown, not run (long-running commands, steps that stop services). ```sh check eventually marks a step whose output
 * arrives asynchronously (an event still crossing a broker): it is retried for a while.
 */
export interface GuideStep {
  command: string;
  expected: string | undefined;
  /** The expected block's language: `json` blocks compare as JSON, anything else as text. */
  expectedLang?: string;
  /** The output may take a moment to appear (asynchronous delivery); retry until it matches. */
  eventually?: boolean;
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
      if (/you should see|你应该看到/i.test(lines[i]!)) sawYouShouldSee = true;
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
    if (block.info !== 'sh check' && block.info !== 'sh check eventually') return;
    const next = blocks[index + 1];
    const shown = next?.seeAbove ? next : undefined;
    steps.push({
      command: block.body,
      expected: shown?.body,
      ...(shown && { expectedLang: shown.info.split(' ')[0] }),
      ...(block.info === 'sh check eventually' && { eventually: true }),
      line: block.line,
    });
  });
  return steps;
}

/**
 * Whether a step's output matches what the guide shows. JSON blocks compare as data, so a
 * guide may pretty-print them: "…" stands for any value, and an object matches when it has
 * at least the keys shown. Text blocks compare line by line, "…" standing for any text.
 */
export function matchesStep(output: string, step: GuideStep): boolean {
  if (step.expected === undefined) return true;
  const expected = step.expectedLang === 'json' ? parseJson(step.expected) : undefined;
  // A JSON block with "…" between values is not JSON itself: it is compared as text.
  if (expected === undefined) return matchesExpected(output, step.expected);
  const actual = parseJson(output);
  return actual !== undefined && matchesJson(actual, expected);
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function matchesJson(actual: unknown, expected: unknown): boolean {
  if (expected === '…') return true;
  if (Array.isArray(expected)) {
    return (
      Array.isArray(actual) && actual.length === expected.length && expected.every((e, i) => matchesJson(actual[i], e))
    );
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const record = actual as Record<string, unknown>;
    return Object.entries(expected).every(([key, value]) => key in record && matchesJson(record[key], value));
  }
  return actual === expected;
}

/** Whether text matches an expected block, "…" matching any text. */
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
