// A terminal client for the notification push, using the same resuming client as browsers:
//   node labs/06-websockets/listen.ts --customer reader-1 [--after 12] [--orders a,b]
//        [--count 3] [--server localhost:3001]
// It prints every event it receives and every reconnect; Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { PushClient } from '@commlab/push/client.js';
import { tokenFor } from './push-helpers.ts';

const { values } = parseArgs({
  options: {
    customer: { type: 'string' },
    after: { type: 'string' },
    orders: { type: 'string' },
    count: { type: 'string' },
    server: { type: 'string', default: 'localhost:3001' },
  },
});
const after = values.after === undefined ? undefined : Number(values.after);
const count = values.count === undefined ? undefined : Number(values.count);
if (
  !values.customer ||
  (after !== undefined && !Number.isSafeInteger(after)) ||
  (count !== undefined && !(count > 0))
) {
  console.error(
    'usage: node labs/06-websockets/listen.ts --customer <id> [--after <id>] [--orders a,b] [--count n] [--server host:port]',
  );
  process.exit(2);
}
const customer = values.customer;

let received = 0;
const client = new PushClient({
  url: `ws://${values.server}/ws`,
  token: () => tokenFor(customer),
  ...(after !== undefined && { after }),
  ...(values.orders && { orders: values.orders.split(',') }),
  onEvent: (event) => {
    console.log(`#${event.id} ${event.orderId} ${event.status}`);
    if (count !== undefined && ++received >= count) client.stop();
  },
  onError: (error) => console.log(`error frame ${error.code}: ${error.message}`),
  onStatus: (status) => {
    if (status.state === 'open') console.log(`subscribed as ${customer} after #${status.after}`);
    if (status.state === 'reconnecting' && status.delayMs !== undefined)
      console.log(
        `closed${status.code ? ` ${status.code}` : ''}${status.reason ? ` (${status.reason})` : ''}; reconnecting in ${status.delayMs} ms`,
      );
    if (status.state === 'failed') {
      console.log(`closed ${status.code} (${status.reason}); not retrying`);
      process.exitCode = 1;
    }
  },
}).start();
process.once('SIGINT', () => client.stop());
