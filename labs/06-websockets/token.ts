// Prints a bearer token for a customer, signed with this lab's secret (lab.ts):
//   node labs/06-websockets/token.ts reader-1 [ttl-seconds]
import { signToken } from '@commlab/push';
import { pushSecret } from './lab.ts';

const [customer, ttl = '3600'] = process.argv.slice(2);
if (!customer || !/^[A-Za-z0-9._@-]{1,64}$/.test(customer) || !/^-?\d+$/.test(ttl)) {
  console.error('usage: node labs/06-websockets/token.ts <customer-id> [ttl-seconds]');
  process.exit(2);
}
console.log(signToken(pushSecret, customer, Number(ttl)));
