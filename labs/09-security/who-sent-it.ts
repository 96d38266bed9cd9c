// Who produced an event? Four order.placed events cross RabbitMQ to a consumer configured
// exactly as this lab configures notification and inventory (EVENT_PRODUCERS from lab.ts, the
// certificates in .run/certs): one published by order's own signing seam, one unsigned, one
// signed by a key nobody issued, one signed by inventory. Prints what a signed event carries,
// then what the consumer applied and what it dead-lettered, with the reason.
//   node labs/09-security/who-sent-it.ts [--amqp amqp://guest:guest@127.0.0.1:5672]
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import amqp from 'amqplib';
import {
  createRabbitMqBus,
  deadLetterReason,
  newEvent,
  rabbitMqNames,
  toAmqpMessage,
  type CloudEvent,
} from '@commlab/events';
import { loadLab, nativeInfra, runDir } from '@commlab/lab/runner';
import { eventIdentity, eventIdentityFrom, signerFromFile } from '@commlab/security/events';

const { values } = parseArgs({ options: { amqp: { type: 'string' } } });
const url = values.amqp ?? nativeInfra()['rabbitmq.url']!;
const lab = await loadLab('09-security');
// The lab's settings as a native run resolves them (${certs.dir} → .run/certs).
const settings = (service: string) => {
  const env = lab.services[service]!.env;
  const certs = (value: string | undefined) => value?.replaceAll('${certs.dir}', join(runDir, 'certs'));
  return {
    EVENT_SIGNER_FILE: certs(env.EVENT_SIGNER_FILE),
    EVENT_PRODUCERS: env.EVENT_PRODUCERS,
    EVENT_PRODUCERS_DIR: certs(env.EVENT_PRODUCERS_DIR),
  };
};

const exchange = `lab09.identity-demo.${randomBytes(3).toString('hex')}`;
const group = `${exchange}.notification`;
const bus = await createRabbitMqBus({ url, exchange, prefetch: 1 });
const raw = await amqp.connect(url);
const channel = await raw.createChannel();
const applied: string[] = [];
try {
  await bus.subscribe(
    { group, types: ['commlab.order.placed.v1'] },
    eventIdentityFrom(settings('notification')).handler(async (event) => void applied.push(event.subject)),
  );
  const placed = (subject: string): CloudEvent =>
    newEvent({
      source: '/commlab/order',
      type: 'commlab.order.placed.v1',
      subject,
      data: { orderId: subject, customerId: 'reader-1', status: 'pending', lines: [], createdAt: '' },
    });
  const as = (signer: Parameters<typeof eventIdentity>[0]['signer']) => eventIdentity({ signer }).publisher(bus);
  const attacker = {
    identity: 'spiffe://commlab/order',
    privateKey: generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
  };

  // What order's seam adds to an event, as the AMQP binding puts it on the wire.
  let onWire: Record<string, string> = {};
  await eventIdentityFrom(settings('order'))
    .publisher({
      publish: async (event) => void (onWire = toAmqpMessage(event).options.headers),
      close: async () => {},
    })
    .publish(placed('order-genuine'));
  const envelope = JSON.parse(Buffer.from(onWire.cloudEvents_dssematerial!, 'base64').toString()) as {
    payloadType: string;
    signatures: { keyid: string }[];
  };
  console.log(`cloudEvents_dssematerial: ${onWire.cloudEvents_dssematerial!.slice(0, 16)}… (DSSE envelope)`);
  console.log(`  payloadType: ${envelope.payloadType}`);
  console.log(`  keyid: ${envelope.signatures.map((s) => s.keyid).join(', ')}`);

  await eventIdentityFrom(settings('order')).publisher(bus).publish(placed('order-genuine'));
  await bus.publish(placed('unsigned'));
  await as(attacker).publish(placed('forged'));
  await as(signerFromFile(join(runDir, 'certs', 'inventory.pem'))).publish(placed('from-inventory'));

  const dead: string[] = [];
  for (const until = Date.now() + 20_000; dead.length < 3 && Date.now() < until;) {
    const message = await channel.get(rabbitMqNames(exchange, group).deadLetterQueue, { noAck: true });
    if (!message) await new Promise((resolve) => setTimeout(resolve, 50));
    else
      dead.push(
        `dead-lettered ${message.properties.headers?.cloudEvents_subject}: ${deadLetterReason(message.properties.headers)}`,
      );
  }
  for (const until = Date.now() + 5_000; applied.length === 0 && Date.now() < until;) {
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  console.log(`applied ${applied.join(', ') || 'nothing'}`);
  for (const line of dead.sort()) console.log(line);
} finally {
  await bus.close();
  for (const queue of [group, `${group}.dlq`]) await channel.deleteQueue(queue).catch(() => {});
  for (const name of [exchange, `${exchange}.dlx`]) await channel.deleteExchange(name).catch(() => {});
  await raw.close();
}
