/** pending: accepted, awaiting its stock (async checkout); then confirmed or rejected; cancelled on request. */
export type OrderStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';

/**
 * The order state machine: which status may follow which. Anything not listed is an illegal
 * transition; rejected and cancelled are final.
 */
const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  pending: ['confirmed', 'rejected', 'cancelled'],
  confirmed: ['cancelled'],
  rejected: [],
  cancelled: [],
};

/** The statuses an order may be in for it to become `to`. */
export function statusesLeadingTo(to: OrderStatus): OrderStatus[] {
  return (Object.keys(transitions) as OrderStatus[]).filter((from) => transitions[from].includes(to));
}

export interface OrderLine {
  sku: string;
  quantity: number;
}

export interface Order {
  id: string;
  customerId: string;
  status: OrderStatus;
  lines: OrderLine[];
  createdAt: string;
  /** 1 when placed, one more on every status change: what optimistic concurrency compares. */
  version: number;
}

export interface NewOrder {
  customerId: string;
  lines: OrderLine[];
}

/** Which orders a list shows; every page of one listing uses the same filters. */
export interface OrderQuery {
  limit: number;
  /** Opaque position after which the page starts (a previous page's `next`). */
  after?: string | undefined;
  status?: OrderStatus | undefined;
  customerId?: string | undefined;
}

export interface Page<T> {
  items: T[];
  /** Opaque position after the last item; absent on the last page. */
  next?: string;
}
