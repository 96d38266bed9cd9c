import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '@commlab/kit';
import { signToken } from '@commlab/push';
import { NotificationConfig } from '../src/config.ts';
import { buildService } from '../src/service.ts';
import { databases } from './databases.ts';
import { orderEvent } from './order-events.ts';

const secret = 'a-test-secret-of-16-or-more';

describe.each(databases)('notification over HTTP on $name', ({ open }) => {
  let drop: () => Promise<void>;
  let service: Awaited<ReturnType<typeof buildService>>;
  beforeAll(async () => {
    const { env, drop: dropDatabase } = await open();
    drop = dropDatabase;
    const config = { ...env, LOG_LEVEL: 'silent', PUSH_INJECT: 'true', PUSH_TOKEN_SECRET: secret };
    service = await buildService(loadConfig(NotificationConfig, config));
  });
  afterAll(async () => {
    for (const part of service?.parts ?? []) await part.close();
    await drop?.();
  });

  const inject = (events: unknown) => service.app.inject({ method: 'POST', url: '/inject', payload: events as object });

  it('shows an injected event under one id on /notifications and /poll', async () => {
    const event = orderEvent('reader-1', 'order-1', 'confirmed');
    const { ids } = (await inject([event])).json<{ ids: number[] }>();
    const notifications = (await service.app.inject({ url: '/notifications?customerId=reader-1' })).json();
    expect(notifications.items).toEqual([
      {
        seq: ids[0],
        eventId: event.id,
        type: event.type,
        orderId: 'order-1',
        customerId: 'reader-1',
        status: 'confirmed',
        time: event.time,
        data: event.data,
      },
    ]);
    const poll = await service.app.inject({
      url: '/poll?after=0&waitMs=0',
      headers: { authorization: `Bearer ${signToken(secret, 'reader-1', 60)}` },
    });
    expect(poll.json()).toEqual({
      events: [
        {
          id: ids[0],
          customerId: 'reader-1',
          orderId: 'order-1',
          status: 'confirmed',
          eventType: event.type,
          time: event.time,
        },
      ],
      last: ids[0],
    });
  });

  it('refuses a batch with one event the contract does not allow, naming it, and stores none of it', async () => {
    const head = await service.log.head();
    const response = await inject([
      orderEvent('reader-2', 'o-1'),
      { type: 'commlab.order.placed.v1', subject: 'o-2', data: {} },
    ]);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      type: '/problems/validation',
      detail: expect.stringMatching(/^event 1: .*data\.customerId is missing/),
    });
    expect(await service.log.head()).toBe(head);
  });

  it('refuses a poll without a token with 401 and a Bearer challenge, and explains the problem type', async () => {
    const refused = await service.app.inject({ url: '/poll?after=0&waitMs=0' });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['www-authenticate']).toBe('Bearer realm="commlab-notification"');
    expect(refused.json()).toMatchObject({ type: '/problems/unauthorized', instance: '/poll?after=0&waitMs=0' });
    const page = await service.app.inject({ url: '/problems/unauthorized' });
    expect(page.json()).toMatchObject({ type: '/problems/unauthorized', status: 401, description: expect.any(String) });
  });

  it('is ready while its database answers', async () => {
    const ready = await service.app.inject({ url: '/readyz' });
    expect(ready.json()).toMatchObject({ status: 'ready', checks: [{ name: 'event log', ok: true }] });
  });
});
