import { defineLab } from '@commlab/lab';

// Order reserves stock in inventory over gRPC, with every resilience pattern of the chapter at
// that seam, chosen here: each attempt gets at most 250 ms of what is left of the order's 600 ms
// for stock (a release after a timeout gets 250 ms too, so an answer never takes a second), a second attempt after a fully jittered backoff while the retry budget (10 % of
// calls) lasts, and a circuit breaker (opossum) that opens when half of at least 5 calls in 10 s
// failed and tries again after 2 s. The fault dials (`pnpm lab fault 11 …`) slow inventory
// down or make it fail at runtime, without a restart.
export default defineLab({
  faults: true,
  services: {
    inventory: {},
    order: {
      env: {
        INVENTORY_ADDR: '${inventory.addr}',
        INVENTORY_DEADLINE_MS: '600',
        CALL_TIMEOUT_MS: '250',
        RETRY_MAX_ATTEMPTS: '2',
        RETRY_BUDGET_PERCENT: '10',
        BREAKER: 'on',
        BREAKER_ERROR_PERCENT: '50',
        BREAKER_VOLUME: '5',
        BREAKER_RESET_MS: '2000',
      },
    },
  },
  links: [
    { label: 'Orders API', url: '${order.url}/orders' },
    { label: 'Circuit breaker and retries', url: '${order.url}/resilience' },
  ],
  commands: [
    { label: 'Slow inventory down', command: 'pnpm lab fault 11 order-inventory latency=5s' },
    { label: 'Clear the dials', command: 'pnpm lab fault 11 clear' },
  ],
});
