import { describe, expect, it } from 'vitest';
import { guideSteps, matchesExpected, matchesStep } from './guide.ts';

const guide = [
  '```sh',
  './lab up 01-tour',
  '```',
  '```sh check',
  "curl -s localhost:3000/orders -d '{}'",
  '```',
  'You should see the created order:',
  '',
  '```json',
  '{"id":"…","status":"confirmed"}',
  '```',
  '```sh check',
  'true',
  '```',
].join('\n');

describe('lab guides', () => {
  it('runs only the blocks marked sh check, each with the output shown after "You should see"', () => {
    expect(guideSteps(guide)).toEqual([
      {
        command: "curl -s localhost:3000/orders -d '{}'",
        expected: '{"id":"…","status":"confirmed"}',
        expectedLang: 'json',
        line: 4,
      },
      { command: 'true', expected: undefined, line: 12 },
    ]);
  });

  it('marks a step "sh check eventually" as one whose output may take a moment to arrive', () => {
    const steps = guideSteps(['```sh check eventually', 'curl -s localhost:3001/notifications', '```'].join('\n'));
    expect(steps).toEqual([
      { command: 'curl -s localhost:3001/notifications', expected: undefined, eventually: true, line: 1 },
    ]);
  });

  it('lets … stand for any text and matches everything else literally', () => {
    expect(matchesExpected('{"id":"abc-123","status":"confirmed"}\n', '{"id":"…","status":"confirmed"}')).toBe(true);
    expect(matchesExpected('{"id":"abc","status":"cancelled"}', '{"id":"…","status":"confirmed"}')).toBe(false);
    expect(matchesExpected('a+b (c)', 'a+b (c)')).toBe(true);
  });

  it('compares JSON as data: pretty-printed, "…" for any value, objects matching the keys shown', () => {
    const step = {
      command: '',
      line: 1,
      expectedLang: 'json',
      expected: '{\n  "id": "…",\n  "lines": [{ "sku": "A" }]\n}',
    };
    expect(matchesStep('{"id":7,"lines":[{"sku":"A","quantity":1}],"extra":true}', step)).toBe(true);
    expect(matchesStep('{"id":7,"lines":[{"sku":"B"}]}', step)).toBe(false);
    expect(matchesStep('{"id":7,"lines":[]}', step)).toBe(false);
    expect(matchesStep('not json', step)).toBe(false);
  });

  it('lets whitespace in the expected block match any whitespace or none, as in pretty-printed JSON', () => {
    expect(
      matchesExpected('{"id":"a1","lines":[{"sku":"KB-001"}]}', '{\n  "id": "…",\n  "lines": [{ "sku": "KB-001" }]\n}'),
    ).toBe(true);
    expect(matchesExpected('{"id":"a1","status":"pending"}', '{ "id": "…", "status": "confirmed" }')).toBe(false);
  });
});
