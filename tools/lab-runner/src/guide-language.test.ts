import { describe, expect, it } from 'vitest';
import { guideLine, guidesLine, readerLanguage } from './guide-language.ts';

describe("the guide in the reader's language", () => {
  it('is Chinese when the locale is Chinese, whichever region', () => {
    expect(readerLanguage({ LANG: 'zh_CN.UTF-8' })).toBe('zh');
    expect(readerLanguage({ LANG: 'zh_TW.UTF-8' })).toBe('zh');
    expect(readerLanguage({ LANG: 'en_US.UTF-8' })).toBe('en');
    expect(readerLanguage({})).toBe('en');
  });

  it('follows LC_ALL over LC_MESSAGES over LANG, as POSIX programs do', () => {
    expect(readerLanguage({ LC_ALL: 'C', LANG: 'zh_CN.UTF-8' })).toBe('en');
    expect(readerLanguage({ LC_MESSAGES: 'zh_CN.UTF-8', LANG: 'en_GB.UTF-8' })).toBe('zh');
    expect(readerLanguage({ LC_ALL: '', LC_MESSAGES: '', LANG: 'zh_SG.UTF-8' })).toBe('zh');
  });

  it('comes first in pnpm lab up, with where the other one is', () => {
    expect(guideLine('01-tour', { LANG: 'zh_CN.UTF-8' })).toBe(
      '实验指南               labs/01-tour/README.zh.md   (English: labs/01-tour/README.md)',
    );
    expect(guideLine('01-tour', { LANG: 'en_US.UTF-8' })).toBe(
      'Lab guide              labs/01-tour/README.md   (中文: labs/01-tour/README.zh.md)',
    );
  });

  it('falls back to the English guide for a lab that has no Chinese one', () => {
    expect(guideLine('99-unwritten', { LANG: 'zh_CN.UTF-8' })).toBe(
      'Lab guide              labs/99-unwritten/README.md',
    );
  });

  it('comes first in pnpm lab list, with where the other ones are', () => {
    expect(guidesLine({ LANG: 'zh_CN.UTF-8' })).toBe(
      '实验指南：labs/<lab>/README.zh.md（English: labs/<lab>/README.md）',
    );
    expect(guidesLine({ LANG: 'C.UTF-8' })).toBe('Lab guides: labs/<lab>/README.md   (中文: labs/<lab>/README.zh.md)');
  });
});
