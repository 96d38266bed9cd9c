import type { TopicMessages } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { coalescingSender } from './coalescing.ts';

function recordingSend(fail?: (call: number) => boolean) {
  const calls: TopicMessages[][] = [];
  let release: (() => void)[] = [];
  const send = (topicMessages: TopicMessages[]) => {
    calls.push(topicMessages);
    const call = calls.length;
    return new Promise<void>((resolve, reject) =>
      release.push(() => (fail?.(call) ? reject(new Error(`send ${call} failed`)) : resolve())),
    );
  };
  const finishAll = async () => {
    while (release.length > 0) {
      const now = release;
      release = [];
      now.forEach((r) => r());
      await new Promise((r) => setImmediate(r));
    }
  };
  return { send, calls, finishAll };
}

const values = (topicMessages: TopicMessages[]) =>
  topicMessages.map(({ topic, messages }) => `${topic}:${messages.map((m) => String(m.value)).join(',')}`);

describe('coalescingSender', () => {
  it('sends the first publish at once and those made meanwhile together in the next send, in order', async () => {
    const { send, calls, finishAll } = recordingSend();
    const publish = coalescingSender(send);
    const done = [
      publish('a', { value: '1' }),
      publish('a', { value: '2' }),
      publish('b', { value: '3' }),
      publish('a', { value: '4' }),
    ];
    await finishAll();
    await Promise.all(done);
    expect(calls.map(values)).toEqual([['a:1'], ['a:2,4', 'b:3']]);
  });

  it('rejects every publish of a failed send, and still sends the ones after it', async () => {
    const { send, calls, finishAll } = recordingSend((call) => call === 1);
    const publish = coalescingSender(send);
    const first = publish('a', { value: '1' });
    const second = publish('a', { value: '2' });
    const outcome = Promise.allSettled([first, second]);
    await finishAll();
    expect((await outcome).map((o) => o.status)).toEqual(['rejected', 'fulfilled']);
    expect(calls).toHaveLength(2);
  });

  it('keeps each send to at most maxBatch messages', async () => {
    const { send, calls, finishAll } = recordingSend();
    const publish = coalescingSender(send, 2);
    const done = ['1', '2', '3', '4', '5'].map((value) => publish('a', { value }));
    await finishAll();
    await Promise.all(done);
    expect(calls.map(values)).toEqual([['a:1'], ['a:2,3'], ['a:4,5']]);
  });
});
