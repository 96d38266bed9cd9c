// The console page: draws what services report (GET /stream), places orders through the
// console (POST /api/orders) and, when the lab has a notification service, listens to its
// WebSocket push as the chosen customer with the same client any browser app would use.
const $ = (selector) => document.querySelector(selector);
const orders = new Map(); // order id → { customer, status, edges: Set }
let traces = false; // the lab has a trace backend: each order links to its trace (lab 14)
// Edges seen for orders not listed yet: reports race the REST answer that lists an order, and
// a report without a status (a gRPC call) must not be lost because it came first.
const unlisted = new Map(); // order id → Set of edges

/** The edges an order has crossed so far; an unlisted order's are taken out of `unlisted` (the caller lists it or puts them back). */
function takeEdges(orderId) {
  const edges = orders.get(orderId)?.edges ?? unlisted.get(orderId) ?? new Set();
  unlisted.delete(orderId);
  return edges;
}
const chipEdges = ['REST', 'gRPC', 'broker', 'WebSocket'];

// A lab may run one service twice under other names (order-sync, order-async): each is drawn as its kind.
const node = (name) => {
  if (['client', 'browser', 'console'].includes(name)) return 'browser';
  if (['kafka', 'rabbitmq', 'broker'].includes(name)) return 'broker';
  return document.querySelector(`[data-node="${name}"]`) ? name : name.split('-')[0];
};
const chipOf = (protocol) => {
  if (['Kafka', 'RabbitMQ', 'AMQP'].includes(protocol)) return 'broker';
  if (['WebSocket', 'SSE', 'long-poll'].includes(protocol)) return 'WebSocket';
  return protocol;
};

function renderServices(services) {
  const list = $('#services');
  list.replaceChildren();
  for (const service of services) {
    const item = document.createElement('li');
    item.className = service.up ? 'up' : 'down';
    item.dataset.service = service.name;
    item.innerHTML = `<span class="dot"></span><span></span><span class="muted"></span>`;
    item.children[1].textContent = service.name;
    item.children[2].textContent = service.up ? 'up' : 'silent';
    list.append(item);
    document.querySelector(`[data-node="${node(service.name)}"]`)?.classList.toggle('up', service.up);
  }
}

// Both ends of an edge may report one message; count it once, at the sender when the sender
// is one of the lab's services (browsers and brokers do not report).
const counts = (crossing) => crossing.side !== 'received' || ['browser', 'broker'].includes(node(crossing.from));

function flash(edgeKey, counted) {
  // An edge drawn once for both directions lists both keys.
  const edge = document.querySelector(`.edge[data-edge~="${edgeKey}"]`);
  if (!edge) return;
  const count = edge.querySelector('.count');
  if (counted) count.textContent = String(Number(count.textContent) + 1);
  edge.classList.add('used', 'flash');
  setTimeout(() => edge.classList.remove('flash'), 250);
}

function trackOrder(orderId, update) {
  const order = orders.get(orderId) ?? { customer: '', status: '', edges: new Set() };
  Object.assign(order, Object.fromEntries(Object.entries(update).filter(([, v]) => v)));
  orders.set(orderId, order);
  renderOrder(orderId, order);
}

function renderOrder(orderId, order) {
  $('#orders tbody .empty')?.remove();
  let row = document.querySelector(`tr[data-order="${orderId}"]`);
  if (!row) {
    row = document.createElement('tr');
    row.dataset.order = orderId;
    row.innerHTML = `<td><code></code></td><td></td><td class="status"></td><td></td>`;
    row.children[0].firstChild.textContent = orderId.slice(0, 8);
    row.children[0].title = orderId;
    if (traces) {
      // The console finds the order's trace in Zipkin and sends the browser there.
      const link = document.createElement('a');
      link.href = `/api/orders/${encodeURIComponent(orderId)}/trace`;
      link.target = '_blank';
      link.className = 'trace';
      link.textContent = 'trace';
      row.children[0].append(' ', link);
    }
    $('#orders tbody').prepend(row);
  }
  row.children[1].textContent = order.customer;
  row.children[2].textContent = order.status;
  row.children[3].replaceChildren(
    ...chipEdges.map((edge) => {
      const chip = document.createElement('span');
      chip.className = `chip${order.edges.has(edge) ? ' on' : ''}`;
      chip.dataset.edge = edge;
      chip.textContent = edge;
      return chip;
    }),
  );
}

function onCrossing(crossing) {
  flash(`${node(crossing.from)}→${node(crossing.to)}`, counts(crossing));
  if (crossing.orderId) {
    const edges = takeEdges(crossing.orderId).add(chipOf(crossing.protocol));
    if (orders.has(crossing.orderId) || crossing.status) {
      trackOrder(crossing.orderId, { status: crossing.status, edges });
    } else {
      unlisted.set(crossing.orderId, edges);
      if (unlisted.size > 200) unlisted.delete(unlisted.keys().next().value);
    }
  }
  const item = document.createElement('li');
  item.innerHTML = `<span class="time"></span><span><span class="proto"></span> <span class="edge-name"></span> <span class="label"></span></span><span class="detail"></span>`;
  item.querySelector('.time').textContent = new Date(crossing.at).toLocaleTimeString([], { hour12: false });
  item.querySelector('.proto').textContent = crossing.protocol;
  item.querySelector('.edge-name').textContent = `${crossing.from} → ${crossing.to}`;
  const label = item.querySelector('.label');
  label.textContent = crossing.label;
  if (crossing.ok === false) label.classList.add('bad');
  item.querySelector('.detail').textContent = [
    crossing.side && `${crossing.service} ${crossing.side}`,
    crossing.orderId && `order ${crossing.orderId.slice(0, 8)}`,
    crossing.status,
  ]
    .filter(Boolean)
    .join(' · ');
  const list = $('#messages');
  list.prepend(item);
  while (list.children.length > 80) list.lastChild.remove();
}

function connectStream() {
  const stream = new EventSource('/stream');
  stream.onopen = () => ($('#stream-state').textContent = 'live');
  stream.onerror = () => ($('#stream-state').textContent = 'reconnecting…');
  stream.addEventListener('services', (e) => renderServices(JSON.parse(e.data).services));
  stream.addEventListener('crossing', (e) => onCrossing(JSON.parse(e.data).crossing));
}

async function placeOrder(event) {
  event.preventDefault();
  const result = $('#order-result');
  const body = {
    customerId: $('#customer').value,
    lines: [{ sku: $('#sku').value, quantity: Number($('#quantity').value) }],
  };
  result.className = 'muted';
  result.textContent = 'placing…';
  const response = await fetch('/api/orders', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const answer = await response.json();
  if (response.ok) {
    result.className = 'ok';
    result.textContent = `order ${answer.id.slice(0, 8)} ${answer.status}`;
    trackOrder(answer.id, {
      customer: answer.customerId,
      status: orders.get(answer.id)?.status || answer.status,
      edges: takeEdges(answer.id),
    });
  } else {
    result.className = 'bad';
    result.textContent = `${response.status} ${answer.title}: ${answer.detail ?? ''}`;
  }
}

let push;
async function listen(port) {
  push?.stop();
  const customer = $('#customer').value;
  const { PushClient } = await import(`http://${location.hostname}:${port}/push/client.js`);
  push = new PushClient({
    url: `ws://${location.hostname}:${port}/ws`,
    token: async () => (await (await fetch(`/api/push-token?customer=${encodeURIComponent(customer)}`)).json()).token,
    onEvent: (e) => {
      trackOrder(e.orderId, { customer: e.customerId, status: e.status, edges: takeEdges(e.orderId).add('WebSocket') });
      $('#push-state').textContent = `open as ${customer} · last event #${e.id}`;
    },
    onStatus: (s) => {
      $('#push-state').textContent =
        s.state === 'open'
          ? `open as ${customer}`
          : `${s.state}${s.delayMs !== undefined ? ` (retry in ${s.delayMs} ms)` : ''}`;
      $('#push-state').dataset.state = s.state;
    },
  }).start();
}

async function main() {
  // The lab first: whether orders get a trace link is known before the first one is drawn.
  const lab = await (await fetch('/api/lab')).json();
  $('#lab-id').textContent = lab.labId ?? '';
  traces = lab.traces;
  connectStream();
  $('#order-form').addEventListener('submit', (e) => void placeOrder(e));
  if (lab.notificationPort) {
    await listen(lab.notificationPort);
    $('#customer').addEventListener('change', () => void listen(lab.notificationPort));
  }
}

void main();
