export {
  isOrderEvent,
  newOrderEvent,
  orderEventKind,
  orderStreamId,
  orderStreamPrefix,
  type OrderEventKind,
  type OrderEventType,
  type RecordedOrderEvent,
} from './order-events.ts';
export { orderAggregate, type OrderState, type OrderStep } from './order-state.ts';
export { orderSummaries, orderSummaryProjection, type OrderSummary } from './order-summary.ts';
export { customerHistories, customerHistoryProjection, type CustomerHistoryEntry } from './customer-history.ts';
