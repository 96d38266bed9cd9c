import { credentials, type ClientDuplexStream } from '@grpc/grpc-js';
import {
  loadInventoryProto,
  type InventoryServiceClient,
  type SessionReply,
  type SessionRequest,
} from '@commlab/contracts';
import { RequestError } from '../errors.ts';
import type { BenchRequest, Send } from '../open-loop.ts';

/** The most requests inventory answers on one ReserveSession stream (its contract says 1000). */
export const sessionLimit = 1_000;

export interface GrpcInventoryDriver {
  client: InventoryServiceClient;
  /** GetStock of the given SKUs: one small unary call per request. */
  getStock(skus: string[]): Send;
  /**
   * Release of a reservation id never reserved (`<prefix>-<seq>`): a small unary call each
   * way that leaves stock as it was, whatever order concurrent calls arrive in.
   */
  release(prefix?: string): Send;
  /**
   * The same Release requests as messages on ReserveSession streams: each request is one
   * message, matched to its reply by correlation id; many may be in flight on one stream. A new
   * stream opens every `sessionLimit` requests (inventory's limit per session).
   */
  sessionRelease(prefix?: string): Send;
  close(): void;
}

/**
 * A gRPC client of the inventory contract (protos/, through @commlab/contracts) for the
 * harness. It works against the inventory service and against any bare server of the same
 * contract, so both sides of a comparison get the same client.
 */
export function grpcInventoryDriver(address: string): GrpcInventoryDriver {
  const proto = loadInventoryProto();
  const client = new proto.commlab.inventory.v1.InventoryService(address, credentials.createInsecure(), {
    // Its own connection, not one shared with other clients of the process.
    'grpc.use_local_subchannel_pool': 1,
  });
  const sessions = new Set<ClientDuplexStream<SessionRequest, SessionReply>>();

  const unary = <R>(invoke: (done: (err: Error | null, reply?: R) => void) => void) =>
    new Promise<R>((resolve, reject) => invoke((err, reply) => (err ? reject(err) : resolve(reply!))));

  return {
    client,
    getStock: (skus) => () => unary((done) => client.GetStock({ skus }, done)),
    release:
      (prefix = 'bench') =>
      ({ seq }: BenchRequest) =>
        unary((done) => client.Release({ reservationId: `${prefix}-${seq}` }, done)),
    sessionRelease: (prefix = 'bench') => {
      let stream: ClientDuplexStream<SessionRequest, SessionReply> | undefined;
      let used = 0;
      const waiting = new Map<string, { resolve: () => void; reject: (err: Error) => void }>();
      const open = () => {
        const current = client.ReserveSession();
        sessions.add(current);
        const mine = new Set<string>();
        current.on('data', (reply: SessionReply) => {
          const waiter = waiting.get(reply.correlationId);
          waiting.delete(reply.correlationId);
          mine.delete(reply.correlationId);
          if (!waiter) return;
          if (reply.refusal) waiter.reject(new RequestError(`refused ${reply.refusal.reason}`));
          else waiter.resolve();
        });
        current.on('error', (err: Error) => {
          for (const id of mine) waiting.get(id)?.reject(err);
        });
        current.on('close', () => sessions.delete(current));
        return { current, mine };
      };
      let session: ReturnType<typeof open> | undefined;
      return ({ seq }) => {
        if (!session || used >= sessionLimit) {
          session?.current.end();
          session = open();
          stream = session.current;
          used = 0;
        }
        used++;
        const correlationId = String(seq);
        session.mine.add(correlationId);
        const done = new Promise<void>((resolve, reject) => waiting.set(correlationId, { resolve, reject }));
        stream!.write({ correlationId, release: { reservationId: `${prefix}-${seq}` } });
        return done;
      };
    },
    close: () => {
      for (const stream of sessions) stream.cancel();
      client.close();
    },
  };
}
