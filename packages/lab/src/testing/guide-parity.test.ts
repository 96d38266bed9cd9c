import { readdirSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { guideSteps } from './guide.ts';
import { guideParity, labGuideParity } from './guide-parity.ts';
import { labsDir } from '../paths.ts';

const english = [
  '# Lab 99 — Example · 示例',
  '',
  'English · [中文](README.zh.md)',
  '',
  '## Steps',
  '',
  '### 1. Place an order',
  '',
  '```sh check',
  'curl -s localhost:3000/orders',
  '```',
  '',
  'You should see the order:',
  '',
  '```json',
  '{ "status": "confirmed" }',
  '```',
  '',
  '```sh',
  '# a comment in a shell block is no heading',
  './lab up 99',
  '```',
  '',
  '## Clean up',
].join('\n');

const chinese = [
  '# 实验 99 — 示例 · Example',
  '',
  '[English](README.md) · 中文',
  '',
  '## 步骤',
  '',
  '### 1. 下单',
  '',
  '```sh check',
  'curl -s localhost:3000/orders',
  '```',
  '',
  '你应该看到这个订单：',
  '',
  '```json',
  '{ "status": "confirmed" }',
  '```',
  '',
  '```sh',
  '# 注释',
  './lab up 99',
  '```',
  '',
  '## 清理',
].join('\n');

describe('a lab guide and its Chinese twin', () => {
  it('are in step when their executed steps and section levels match, whatever the prose and headings say', () => {
    expect(guideParity(english, chinese)).toEqual([]);
  });

  it('reads the output after 你应该看到 as the expected output, as after "You should see"', () => {
    const [step] = guideSteps(chinese);
    expect(step?.expected).toBe('{ "status": "confirmed" }');
    expect(guideSteps(chinese)).toEqual(guideSteps(english));
  });

  it('differ when a command changes in one language only', () => {
    const changed = chinese.replace('curl -s localhost:3000/orders', 'curl -s localhost:3000/orders?limit=1');
    const [difference, ...rest] = guideParity(english, changed);
    expect(rest).toEqual([]);
    expect(difference).toContain('step 1 (README.md line 9, README.zh.md line 9) differs');
    expect(difference).toContain('curl -s localhost:3000/orders?limit=1');
  });

  it('differ when the expected output changes in one language only', () => {
    const changed = english.replace('"confirmed"', '"pending"');
    expect(guideParity(changed, chinese)).toEqual([expect.stringContaining('step 1')]);
  });

  it('differ when a step waits for its output ("sh check eventually") in one language only', () => {
    const changed = chinese.replace('```sh check', '```sh check eventually');
    expect(guideParity(english, changed)).toEqual([expect.stringContaining('step 1')]);
  });

  it('differ when one language has no "You should see" before the output, so CI would compare nothing', () => {
    const changed = chinese.replace('你应该看到这个订单：', '这是订单：');
    expect(guideParity(english, changed)).toEqual([expect.stringContaining('no expected output')]);
  });

  it('differ when one language has a step the other lacks', () => {
    const extra = `${chinese}\n\n\`\`\`sh check\ntrue\n\`\`\``;
    expect(guideParity(english, extra)).toEqual([expect.stringContaining('only README.zh.md has it')]);
  });

  it('differ when a section is missing or at another level in one language', () => {
    expect(guideParity(english, chinese.replace('### 1. 下单', '## 1. 下单'))).toEqual([
      'section structure differs at heading 3: README.md line 7 "### 1. Place an order", README.zh.md line 7 "## 1. 下单"',
    ]);
    expect(guideParity(english, chinese.replace('\n## 清理', ''))).toEqual([
      expect.stringContaining('README.zh.md has no more headings'),
    ]);
  });

  it('differ when either one does not link to the other above its first section', () => {
    expect(guideParity(english.replace('English · [中文](README.zh.md)', ''), chinese)).toEqual([
      'README.md does not link to README.zh.md above its first section',
    ]);
    expect(guideParity(english, chinese.replace('[English](README.md) · 中文', ''))).toEqual([
      'README.zh.md does not link to README.md above its first section',
    ]);
  });
});

describe('the lab guides in this repository', () => {
  const labs = readdirSync(labsDir).filter((lab) => existsSync(join(labsDir, lab, 'README.md')));

  it.each(labs)('%s has a Chinese guide in step with its English one', (lab) => {
    const differences = labGuideParity(lab);
    expect(differences, differences.join('\n\n')).toHaveLength(0);
  });
});
