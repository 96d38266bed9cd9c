import { defineLab } from '@commlab/lab';

// One order service in front of one inventory, with no event bus: a cancellation releases
// stock by calling inventory directly. The chapter's REST features are always on in the
// order service; this lab only turns the rate limit down far enough to hit it by hand.
export default defineLab({
  services: {
    // Its REST/JSON face too, so the guide can show stock with curl.
    inventory: { extraPorts: { rest: { port: 50053, env: 'HTTP_PORT' } } },
    order: { env: { INVENTORY_ADDR: '${inventory.addr}', RATE_LIMIT_PER_MINUTE: '60' } },
  },
  links: [
    { label: 'Orders (v1, deprecated)', url: '${order.url}/orders' },
    { label: 'Orders (v2)', url: '${order.url}/v2/orders' },
    { label: 'API docs', url: '${order.url}/docs' },
    { label: 'OpenAPI document', url: '${order.url}/openapi.json' },
    { label: 'Inventory stock (REST)', url: '${inventory.rest.url}/stock' },
  ],
});
