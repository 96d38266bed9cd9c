import { OrderEventData, orderEventTypes } from '@commlab/contracts/events';
import { eventData, PoisonEventError, type EventHandler } from '@commlab/events';
import type { Logger } from '@commlab/kit';
import type { Feed } from '../domain/feed.ts';
import type { NotificationLog } from '../domain/notifications.ts';

export const orderEventTypeList = Object.values(orderEventTypes);

/**
 * Every order event, recorded once in the customer's log and appended to the push feed
 * (WebSocket, SSE, long-poll clients). Both deduplicate by event id, so a redelivery is harmless.
 */
export function orderEventHandler({
  log,
  feed,
  logger,
}: {
  log: NotificationLog;
  feed?: Feed;
  logger: Logger;
}): EventHandler {
  return async (event) => {
    const data = eventData(event, OrderEventData);
    if (event.subject !== data.orderId) {
      throw new PoisonEventError(`${event.type} ${event.id}: subject ${event.subject} is not order ${data.orderId}`);
    }
    const { seq, duplicate } = await log.append({
      eventId: event.id,
      type: event.type,
      orderId: data.orderId,
      customerId: data.customerId,
      status: data.status,
      time: event.time,
      data,
    });
    await feed?.append(event);
    if (duplicate) logger.info({ eventId: event.id, seq }, 'duplicate event ignored');
    else
      logger.info(
        { customerId: data.customerId, seq },
        `notify ${data.customerId}: order ${data.orderId} ${data.status}`,
      );
  };
}
