import { defineLab } from '@commlab/lab';

// Order reserves stock in inventory over gRPC, with every resilience pattern of the chapter at
// that seam, chosen here: each attempt gets at most 350 ms of what is left of the order's 600 ms
// for stock; a second attempt follows a fully jittered backoff while the retry budget (10 % of
// calls) lasts; a circuit breaker (opossum) opens when half of at least 5 calls in 10 s failed,
// and lets a trial call through after 5 s; a bulkhead lets 10 reservations in flight at once and
// 10 wait, refusing the rest at once, so a hung inventory ties up no more than that; at the
// edge, new orders are shed while the event loop is saturated. The fault dials
// (`pnpm lab fault 11 …`) slow inventory down or make it fail at runtime, without a restart.
export const resilience = {
  INVENTORY_ADDR: '${inventory.addr}',
  INVENTORY_DEADLINE_MS: '600',
  CALL_TIMEOUT_MS: '350',
  RETRY_MAX_ATTEMPTS: '2',
  RETRY_BUDGET_PERCENT: '10',
  BULKHEAD_MAX_CONCURRENT: '10',
  BULKHEAD_QUEUE: '10',
  BREAKER: 'opossum',
  BREAKER_ERROR_PERCENT: '50',
  BREAKER_VOLUME: '5',
  BREAKER_RESET_MS: '5000',
  // At the edge: a new order is refused at once (503 overloaded) while the event loop was busy
  // more than 90 % of the last quarter second.
  SHED_EVENT_LOOP_PERCENT: '90',
  SHED_SAMPLE_MS: '250',
};

// The same order service three times, side by side, as lab 02 does: `order` refuses an order
// it cannot reserve stock for (503 with Retry-After, nothing stored); `order-fallback` accepts
// it pending instead (202) and reserves its stock once inventory answers again;
// `order-failover` calls two replicas of inventory, `inventory` and `inventory-2`, which keep
// one store (replicaOf: natively one data folder, in Compose one volume): its gRPC channel
// balances over both (round robin) and leaves out one that is down or failing (outlier
// detection), so a replica killed under load costs only the calls in flight to it. It also
// limits each client address to 120 requests a minute (429 with Retry-After beyond, lab 03's limit).
export default defineLab({
  faults: true,
  services: {
    inventory: {},
    'inventory-2': { service: 'inventory', port: 50054, replicaOf: 'inventory' },
    order: { env: resilience },
    'order-fallback': { service: 'order', port: 3002, env: { ...resilience, INVENTORY_FALLBACK: 'pending' } },
    'order-failover': {
      service: 'order',
      port: 3003,
      env: { ...resilience, INVENTORY_ADDR: '${inventory.addr},${inventory-2.addr}', RATE_LIMIT_PER_MINUTE: '120' },
    },
  },
  links: [
    { label: 'Orders API', url: '${order.url}/orders' },
    { label: 'Circuit breaker and retries', url: '${order.url}/resilience' },
    { label: 'Orders, with the pending fallback', url: '${order-fallback.url}/orders' },
    { label: 'Orders, over two inventory replicas', url: '${order-failover.url}/orders' },
  ],
  commands: [
    { label: 'Slow inventory down', command: 'pnpm lab fault 11 order-inventory latency=5s' },
    { label: 'Cut inventory off from order-fallback', command: 'pnpm lab fault 11 order-fallback-inventory abort' },
    { label: 'Clear the dials', command: 'pnpm lab fault 11 clear' },
  ],
});
