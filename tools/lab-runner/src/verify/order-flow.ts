import type { Lab, LabAt, Outcome } from '@commlab/lab/runner';
import { createTokenClient } from '@commlab/security';

/** How long an asynchronous step (an event crossing a broker) may take before verify calls it broken. */
const eventuallyMs = 5_000;

interface Order {
  id: string;
  status: string;
}

/**
 * The lab's main flow through one order service: place a small order over REST and read it
 * back; when it answers `pending` (asynchronous checkout), wait until it is decided; when its
 * events go to a broker and the lab has a notification service, wait until that has them.
 * Each verify run places one real order (customer `lab-verify`, one cable from ample stock).
 */
export async function orderFlow(lab: Lab, at: LabAt, name: string): Promise<Outcome[]> {
  const base = at.url(name);
  let placed: Order;
  let headers: Record<string, string>;
  try {
    headers = await authorization(lab, at, name);
    const response = await fetch(`${base}/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ customerId: 'lab-verify', lines: [{ sku: 'CB-007', quantity: 1 }] }),
      signal: AbortSignal.timeout(eventuallyMs),
    });
    if (response.status !== 201 && response.status !== 202) {
      return [
        {
          ok: false,
          text: `${name}: POST /orders answered ${response.status}: ${await response.text()}`,
          hint: `a new order should answer 201 (or 202 pending); ${name}'s log and the problem above say what refused it`,
        },
      ];
    }
    placed = (await response.json()) as Order;
    const read = await fetch(`${base}/orders/${placed.id}`, { headers, signal: AbortSignal.timeout(eventuallyMs) });
    const back = read.ok ? ((await read.json()) as Order) : undefined;
    if (back?.id !== placed.id) {
      return [
        {
          ok: false,
          text: `${name}: placed order ${placed.id}, but GET /orders/${placed.id} answered ${read.status}`,
          hint: `an order must be readable once placed; check ${name}'s store (DATA_DIR / DATABASE_URL) in its log`,
        },
      ];
    }
  } catch (err) {
    return [
      { ok: false, text: `${name}: placing an order failed: ${(err as Error).message}`, hint: `check ${name}'s log` },
    ];
  }

  const outcomes: Outcome[] = [
    { ok: true, text: `${name} places an order over REST and reads it back (${placed.status})` },
  ];
  // Inventory decides a pending order; a lab without one (11-high-availability) leaves it pending.
  const hasInventory = Object.values(lab.services).some((spec) => spec.service === 'inventory');
  if (placed.status === 'pending' && hasInventory) outcomes.push(await decided(name, base, placed.id, headers));

  const bus = at.env(name).EVENT_BUS;
  // The notification service on the same broker as this order service (a lab may run one per cluster).
  const sameBroker = (n: string) =>
    ['EVENT_BUS', 'KAFKA_BROKERS', 'AMQP_URL'].every((key) => at.env(n)[key] === at.env(name)[key]);
  const notifications = Object.keys(lab.services).filter((n) => lab.services[n]!.service === 'notification');
  const notification = notifications.find(sameBroker) ?? notifications[0];
  if (notification && bus && bus !== 'none') {
    outcomes.push(await notified(notification, at.url(notification), placed.id, bus));
  }
  return outcomes;
}

/**
 * When the order service checks access tokens (lab 09), verify calls it as a client of the
 * lab's authorization server: a client-credentials token (client lab-verify) for the order API.
 */
async function authorization(lab: Lab, at: LabAt, name: string): Promise<Record<string, string>> {
  if (!at.env(name).AUTH_ISSUER) return {};
  const auth = Object.keys(lab.services).find((n) => lab.services[n]!.service === 'auth');
  if (!auth) throw new Error(`${name} checks access tokens, but the lab runs no authorization server`);
  const tokens = createTokenClient({
    tokenUrl: `${at.url(auth)}/token`,
    clientId: 'lab-verify',
    clientSecret: 'lab-verify-secret',
    resource: 'urn:commlab:order',
    scopes: ['orders:read', 'orders:write'],
  });
  return { authorization: `Bearer ${await tokens.token()}` };
}

/** An asynchronous checkout completes once inventory answered the order's event. */
async function decided(name: string, base: string, id: string, headers: Record<string, string>): Promise<Outcome> {
  const started = Date.now();
  const order = await poll(async () => {
    const current = (await (await fetch(`${base}/orders/${id}`, { headers })).json()) as Order;
    return current.status === 'pending' ? undefined : current;
  });
  return order
    ? { ok: true, text: `${name} completes the pending order by event: ${order.status} in ${elapsed(started)}` }
    : {
        ok: false,
        text: `${name}: order ${id} is still pending after ${eventuallyMs / 1000} s`,
        hint: `inventory decides it when the order.placed event reaches it over the broker: is inventory running, and does its log show an event bus warning?`,
      };
}

async function notified(name: string, base: string, orderId: string, bus: string): Promise<Outcome> {
  const started = Date.now();
  const seen = await poll(async () => {
    const { items } = (await (await fetch(`${base}/notifications?orderId=${orderId}`)).json()) as { items: unknown[] };
    return items.length > 0 ? items.length : undefined;
  });
  return seen
    ? { ok: true, text: `${name} received the order's events over ${bus} in ${elapsed(started)}` }
    : {
        ok: false,
        text: `${name} has no event of order ${orderId} after ${eventuallyMs / 1000} s`,
        hint: `the order's events travel over ${bus}: check the order and ${name} logs for event bus warnings, and that the broker answers`,
      };
}

async function poll<T>(attempt: () => Promise<T | undefined>): Promise<T | undefined> {
  for (const until = Date.now() + eventuallyMs; Date.now() < until;) {
    const value = await attempt().catch(() => undefined);
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 200));
  }
  return undefined;
}

const elapsed = (since: number) => {
  const ms = Date.now() - since;
  return ms < 1000 ? `${ms} ms` : `${(ms / 1000).toFixed(1)} s`;
};
