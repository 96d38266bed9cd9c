import { describe, expect, it } from 'vitest';
import { prettyLogs } from './pretty-logs.ts';

describe('prettyLogs', () => {
  const pretty = prettyLogs(false);

  it('formats a service JSON log line as the services own pretty logger does: time, level, message, extra fields', () => {
    const time = new Date(2026, 0, 2, 3, 4, 5, 678).getTime();
    const line = JSON.stringify({
      level: 30,
      time,
      pid: 1,
      hostname: 'h',
      name: 'order',
      requestId: 'r-1',
      msg: 'GET /orders 200 1ms',
    });
    expect(pretty(line)).toBe('[03:04:05.678] INFO: GET /orders 200 1ms {"requestId":"r-1"}');
  });

  it('passes lines that are not JSON through unchanged', () => {
    expect(pretty('order: cannot start, PORT: must be an integer')).toBe(
      'order: cannot start, PORT: must be an integer',
    );
    expect(pretty('{ not json')).toBe('{ not json');
  });
});
