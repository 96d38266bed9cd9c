import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { guideFiles, labsDir } from '@commlab/lab/runner';

type Language = keyof typeof guideFiles;

/**
 * The reader's language, from the locale variables in the order POSIX gives them weight:
 * LC_ALL, then LC_MESSAGES, then LANG. Most of the book's readers have zh_CN.UTF-8 or similar.
 */
export function readerLanguage(env: NodeJS.ProcessEnv = process.env): Language {
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.startsWith('zh') ? 'zh' : 'en';
}

const other = { en: 'zh', zh: 'en' } as const;
const label = { en: 'Lab guide', zh: '实验指南' } as const;
const otherLabel = { en: '中文', zh: 'English' } as const;

/**
 * The `pnpm lab up` line naming a lab's guide in the reader's language, then where the other
 * one is (a lab without a Chinese guide yet names only the English one).
 */
export function guideLine(labId: string, env: NodeJS.ProcessEnv = process.env): string {
  const wanted = readerLanguage(env);
  const exists = (language: Language) => existsSync(join(labsDir, labId, guideFiles[language]));
  const first = exists(wanted) ? wanted : 'en';
  const second = other[first];
  const path = (language: Language) => `labs/${labId}/${guideFiles[language]}`;
  return `${padTo(label[first], 22)} ${path(first)}${exists(second) ? `   (${otherLabel[first]}: ${path(second)})` : ''}`;
}

/** The `pnpm lab list` footer: where every lab's guides are, the reader's language first. */
export function guidesLine(env: NodeJS.ProcessEnv = process.env): string {
  return readerLanguage(env) === 'zh'
    ? `实验指南：labs/<lab>/${guideFiles.zh}（English: labs/<lab>/${guideFiles.en}）`
    : `Lab guides: labs/<lab>/${guideFiles.en}   (中文: labs/<lab>/${guideFiles.zh})`;
}

/** Pads to a terminal width: a CJK character takes two columns, so padEnd alone would misalign it. */
function padTo(text: string, columns: number): string {
  const width = [...text].reduce((sum, char) => sum + (/[\u2e80-\uffef]/u.test(char) ? 2 : 1), 0);
  return text + ' '.repeat(Math.max(0, columns - width));
}
