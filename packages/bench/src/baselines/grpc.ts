// A bare grpc-js server of the inventory contract: the baseline the inventory service is held
// against, in the same run. GetStock from a map, Release records the id, ReserveSession answers
// releases; no interceptors, no logging per call. Prints `listening on <port>` when ready.
//   PORT (0 = any free one)
import { Server, ServerCredentials, status } from '@grpc/grpc-js';
import { loadInventoryProto, type InventoryServiceHandlers, type SessionRequest } from '@commlab/contracts';
import { stock } from './stock.ts';

const released = new Set<string>();
const release = (reservationId: string) => {
  const first = !released.has(reservationId);
  released.add(reservationId);
  return { reservationId, released: !first };
};

const handlers: Partial<InventoryServiceHandlers> = {
  GetStock: (call, callback) => {
    const items = call.request.skus.map((sku) => stock.get(sku));
    const missing = call.request.skus.find((_, i) => !items[i]);
    if (missing) return callback({ code: status.NOT_FOUND, details: `unknown SKU ${missing}` });
    callback(null, { items: items.filter((item) => item !== undefined) });
  },
  Release: (call, callback) => callback(null, release(call.request.reservationId)),
  ReserveSession: (call) => {
    call.on('data', (request: SessionRequest) => {
      if (request.release)
        call.write({ correlationId: request.correlationId, released: release(request.release.reservationId) });
      else
        call.write({
          correlationId: request.correlationId,
          refusal: { code: status.UNIMPLEMENTED, reason: 'BARE', subject: '', message: 'releases only' },
        });
    });
    call.on('end', () => call.end());
  },
};

const server = new Server();
server.addService(
  loadInventoryProto().commlab.inventory.v1.InventoryService.service,
  handlers as InventoryServiceHandlers,
);
server.bindAsync(`127.0.0.1:${process.env.PORT ?? 0}`, ServerCredentials.createInsecure(), (err, port) => {
  if (err) throw err;
  console.log(`bare grpc-js listening on ${port}`);
});
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.tryShutdown(() => {}));
