import { InterceptingCall, ListenerBuilder, RequesterBuilder, status, type Interceptor } from '@grpc/grpc-js';
import type { EdgeReporter } from './edges.ts';

/** gRPC metadata naming the calling service (for edge reports only; never trusted for anything else). */
export const callerHeader = 'commlab-caller';

/**
 * A gRPC client interceptor that reports each unary call to the lab console once it ends:
 * "order → inventory gRPC Reserve OK". `subjectOf` picks the order id out of a request.
 * It also names the caller in the `commlab-caller` metadata, so the server can report the
 * same edge from its side.
 */
export function reportingInterceptor(
  reporter: EdgeReporter,
  edge: { from: string; to: string; subjectOf?: (request: unknown) => string | undefined },
): Interceptor {
  return (options, nextCall) => {
    const method = options.method_definition.path.split('/').pop() ?? options.method_definition.path;
    let orderId: string | undefined;
    const requester = new RequesterBuilder()
      .withSendMessage((message, next) => {
        orderId = edge.subjectOf?.(message);
        next(message);
      })
      .withStart((metadata, _listener, next) => {
        metadata.set(callerHeader, edge.from);
        const reporting = new ListenerBuilder()
          .withOnReceiveStatus((result, nextStatus) => {
            reporter.report({
              from: edge.from,
              to: edge.to,
              protocol: 'gRPC',
              side: 'sent',
              label: `${method} ${status[result.code]}`,
              orderId,
              ok: result.code === status.OK,
            });
            nextStatus(result);
          })
          .build();
        next(metadata, reporting);
      })
      .build();
    return new InterceptingCall(nextCall(options), requester);
  };
}
