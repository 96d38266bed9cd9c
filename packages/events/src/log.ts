/** The little the adapters log (pino's Logger fits); silent unless a service passes its logger. */
export interface BusLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

export const silentLog: BusLog = { info() {}, warn() {}, error() {} };
