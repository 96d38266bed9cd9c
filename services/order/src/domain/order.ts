/** pending: accepted, awaiting its stock (async checkout); then confirmed or rejected; cancelled on request. */
export type OrderStatus = 'pending' | 'confirmed' | 'rejected' | 'cancelled';

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
}

export interface NewOrder {
  customerId: string;
  lines: OrderLine[];
}

export interface Page<T> {
  items: T[];
  /** Opaque position after the last item; absent on the last page. */
  next?: string;
}
