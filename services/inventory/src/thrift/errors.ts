import { InvalidArgument, Refused, RefusalReason, UnknownSku } from '@commlab/contracts/thrift';
import { StockError } from '../domain/errors.ts';

/**
 * A domain refusal as the exception the IDL declares for it. Anything else becomes a plain
 * error, which the generated processor sends as TApplicationException: its text says
 * nothing about our internals.
 */
export function toThriftException(err: unknown): { kind: string; exception: Error } {
  if (!(err instanceof StockError)) return { kind: 'internal', exception: new Error('internal error') };
  switch (err.reason) {
    case 'INVALID_ARGUMENT':
      return {
        kind: 'InvalidArgument',
        exception: new InvalidArgument({ message: err.message, ...(err.subject && { field: err.subject }) }),
      };
    case 'UNKNOWN_SKU':
      return { kind: 'UnknownSku', exception: new UnknownSku({ message: err.message, sku: err.subject ?? '' }) };
    default:
      return {
        kind: `Refused(${err.reason})`,
        exception: new Refused({
          reason: RefusalReason[err.reason],
          message: err.message,
          ...(err.subject && { subject: err.subject }),
        }),
      };
  }
}
