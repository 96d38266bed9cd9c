import {
  ServerInterceptingCall,
  ServerListenerBuilder,
  ResponderBuilder,
  status,
  type Metadata,
  type ServerInterceptingCallInterface,
  type ServerInterceptor,
  type StatusObject,
} from '@grpc/grpc-js';

/** Methods every caller may use unless a gate says otherwise: the health service and reflection. */
export const probes = (path: string) =>
  path.startsWith('/grpc.health.v1.Health/') || path.startsWith('/grpc.reflection.');

/** Undefined lets a call through; a status ends it with that status. */
export type GateDecision = (Pick<StatusObject, 'code' | 'details'> & { metadata?: Metadata }) | undefined;

/**
 * A server interceptor that decides each call from its metadata and its connection before the
 * handler sees anything: grpc-js holds the call's messages until the metadata is passed on, so a
 * refused call never reaches the service. Methods `open` names pass without a decision.
 */
export function metadataGate(
  open: (path: string) => boolean,
  decide: (
    path: string,
    metadata: Metadata,
    call: ServerInterceptingCallInterface,
  ) => GateDecision | Promise<GateDecision>,
): ServerInterceptor {
  return (method, call) => {
    if (open(method.path)) return new ServerInterceptingCall(call);
    return new ServerInterceptingCall(
      call,
      new ResponderBuilder()
        .withStart((next) => {
          next(
            new ServerListenerBuilder()
              .withOnReceiveMetadata((metadata, pass) => {
                Promise.resolve()
                  .then(() => decide(method.path, metadata, call))
                  .then(
                    (refusal) => (refusal ? call.sendStatus(refusal) : pass(metadata)),
                    (err: unknown) =>
                      call.sendStatus({
                        code: status.INTERNAL,
                        details: `the call could not be checked: ${String(err)}`,
                      }),
                  );
              })
              .build(),
          );
        })
        .build(),
    );
  };
}
