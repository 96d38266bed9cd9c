import { orderEventTypes } from '@commlab/contracts/events';
import type { EventHandler } from '@commlab/events';
import type { Logger } from '@commlab/kit';
import { toEntry, type EventLog } from '../domain/event-log.ts';

export const orderEventSubscription = { group: 'notification.order-events', types: Object.values(orderEventTypes) };

/**
 * Every order event, checked against its contract and appended once to the event log, which
 * every push transport and GET /notifications read. A redelivery is recognised by its event
 * id and appends nothing; an event the contract refuses is a poison event (dead-lettered).
 */
export function orderEventHandler({ log, logger }: { log: EventLog; logger: Logger }): EventHandler {
  return async (event) => {
    const entry = toEntry(event);
    const { id, duplicate } = await log.append(entry);
    if (duplicate) logger.info({ eventId: event.id, seq: id }, 'duplicate event ignored');
    else
      logger.info(
        { customerId: entry.customerId, seq: id },
        `notify ${entry.customerId}: order ${entry.orderId} ${entry.status}`,
      );
  };
}
