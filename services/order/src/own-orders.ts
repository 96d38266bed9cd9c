import { OrderError } from './domain/errors.ts';
import type { OrderLifecycle } from './domain/order-lifecycle.ts';
import type { Order } from './domain/order.ts';
import type { Orders } from './domain/orders.ts';
import { requestScope } from './request-scope.ts';

/**
 * Object-level authorization (OWASP API1, BOLA): when the request speaks for a customer (its
 * access token was issued to a person, lab 09), it places, reads, lists and cancels only that
 * customer's orders. Another customer's order answers as if it did not exist, so ids cannot be
 * probed; placing or listing for another customer is refused by name. Calls without a customer
 * in the request scope (a service's token, or no token checks at all) pass unchanged.
 */
export function ownOrdersOnly(
  orders: Orders,
  lifecycle: OrderLifecycle,
): { orders: Orders; lifecycle: OrderLifecycle } {
  const customer = () => requestScope.current()?.customer;
  const other = (asked: string) =>
    new OrderError('OTHER_CUSTOMER', `this access token speaks for customer ${customer()}, not ${asked}`);
  const mine = (order: Order, id: string) => {
    const who = customer();
    if (who !== undefined && order.customerId !== who) {
      throw new OrderError('ORDER_NOT_FOUND', `order ${id} does not exist`, { subject: id });
    }
    return order;
  };

  // Same prototype, so the wrappers are Orders and OrderLifecycle to everything that takes them.
  const owned = Object.create(orders) as Orders;
  owned.get = async (id) => mine(await orders.get(id), id);
  owned.list = async (query) => {
    const who = customer();
    if (who === undefined) return orders.list(query);
    if (query.customerId !== undefined && query.customerId !== who) throw other(query.customerId);
    return orders.list({ ...query, customerId: who });
  };
  owned.place = async (input, options) => {
    const who = customer();
    if (who !== undefined && input.customerId !== who) throw other(input.customerId);
    return orders.place(input, options);
  };
  const ownedLifecycle = Object.create(lifecycle) as OrderLifecycle;
  ownedLifecycle.cancel = async (id, options) => {
    if (customer() !== undefined) await owned.get(id);
    return lifecycle.cancel(id, options);
  };
  return { orders: owned, lifecycle: ownedLifecycle };
}
