import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guideSteps, type GuideStep } from './guide.ts';
import { labsDir } from '../paths.ts';

/**
 * Every lab guide ships twice: README.md in English and README.zh.md in Chinese, for the
 * book's readers. CI runs the English steps; the Chinese guide is held to the same steps —
 * the same ```sh check commands with the same expected output, in the same order — and the
 * same sections, so running one runs both and neither can change alone.
 */
export const guideFiles = { en: 'README.md', zh: 'README.zh.md' } as const;

/** What differs between a lab's two guides (empty when they are in step). */
export function labGuideParity(labId: string): string[] {
  const en = join(labsDir, labId, guideFiles.en);
  const zh = join(labsDir, labId, guideFiles.zh);
  if (!existsSync(en)) return [];
  if (!existsSync(zh)) {
    return [`labs/${labId}/${guideFiles.zh} is missing: every guide ships in English and Chinese (labs/README.md)`];
  }
  return guideParity(readFileSync(en, 'utf8'), readFileSync(zh, 'utf8'));
}

/** Differences in executed steps, section structure and the links between an English guide and its Chinese twin. */
export function guideParity(english: string, chinese: string): string[] {
  return [...linkProblems(english, chinese), ...stepProblems(english, chinese), ...sectionProblems(english, chinese)];
}

function linkProblems(english: string, chinese: string): string[] {
  const problems: string[] = [];
  if (!beforeFirstSection(english).includes(`](${guideFiles.zh})`)) {
    problems.push(`${guideFiles.en} does not link to ${guideFiles.zh} above its first section`);
  }
  if (!beforeFirstSection(chinese).includes(`](${guideFiles.en})`)) {
    problems.push(`${guideFiles.zh} does not link to ${guideFiles.en} above its first section`);
  }
  return problems;
}

function stepProblems(english: string, chinese: string): string[] {
  const en = guideSteps(english);
  const zh = guideSteps(chinese);
  const problems: string[] = [];
  for (let i = 0; i < Math.max(en.length, zh.length); i++) {
    const a = en[i];
    const b = zh[i];
    const where = `step ${i + 1} (${guideFiles.en} line ${a?.line ?? '-'}, ${guideFiles.zh} line ${b?.line ?? '-'})`;
    if (!a || !b) {
      problems.push(`${where}: only ${a ? guideFiles.en : guideFiles.zh} has it:\n${show((a ?? b)!)}`);
      continue;
    }
    if (!sameStep(a, b))
      problems.push(`${where} differs:\n--- ${guideFiles.en}\n${show(a)}\n--- ${guideFiles.zh}\n${show(b)}`);
  }
  return problems;
}

/** Everything CI would run and compare; where it sits in the file may differ. */
function sameStep(a: GuideStep, b: GuideStep): boolean {
  return (
    a.command === b.command &&
    a.expected === b.expected &&
    a.expectedLang === b.expectedLang &&
    Boolean(a.eventually) === Boolean(b.eventually)
  );
}

function show(step: GuideStep): string {
  const fence = step.eventually ? '```sh check eventually' : '```sh check';
  const output =
    step.expected === undefined
      ? '(no expected output: no "You should see" / "你应该看到" line before the next block)'
      : `expected (${step.expectedLang || 'text'}):\n${step.expected}`;
  return `${fence}\n${step.command}\n\`\`\`\n${output}`;
}

function sectionProblems(english: string, chinese: string): string[] {
  const en = headings(english);
  const zh = headings(chinese);
  const problems: string[] = [];
  for (let i = 0; i < Math.max(en.length, zh.length); i++) {
    const a = en[i];
    const b = zh[i];
    if (a?.level === b?.level) continue;
    problems.push(
      `section structure differs at heading ${i + 1}: ${guideFiles.en} ${a ? `line ${a.line} "${a.text}"` : 'has no more headings'}, ` +
        `${guideFiles.zh} ${b ? `line ${b.line} "${b.text}"` : 'has no more headings'}`,
    );
    break; // one shift misaligns every heading after it: the first is the one to fix
  }
  return problems;
}

interface Heading {
  level: number;
  text: string;
  line: number;
}

/** The markdown headings outside fenced blocks (a `# comment` in a shell block is no heading). */
function headings(markdown: string): Heading[] {
  const found: Heading[] = [];
  let inFence = false;
  markdown.split('\n').forEach((line, index) => {
    if (line.startsWith('```')) inFence = !inFence;
    const heading = inFence ? null : /^(#{1,6})\s+(.*)$/.exec(line);
    if (heading) found.push({ level: heading[1]!.length, text: heading[0], line: index + 1 });
  });
  return found;
}

function beforeFirstSection(markdown: string): string {
  const lines = markdown.split('\n');
  const first = lines.findIndex((line) => line.startsWith('## '));
  return lines.slice(0, first === -1 ? lines.length : first).join('\n');
}
