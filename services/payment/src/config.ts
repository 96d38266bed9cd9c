import Type, { type Static } from 'typebox';
import { BusConfig } from '@commlab/events';
import { CommonConfig } from '@commlab/kit';
import { eventIdentityConfig } from '@commlab/security/events';
import { serviceDatabase } from '@commlab/sql';

export const paymentDatabase = serviceDatabase('PAYMENT_DB_FILE', 'payments.sqlite');

export const PaymentConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3004, minimum: 0, maximum: 65535, description: 'HTTP port' }),
  // Events (lab 08's choreographed saga): stock-reserved and order.cancelled arrive over the bus.
  ...BusConfig,
  // The payments and the record of processed events: PostgreSQL, or an SQLite file.
  ...paymentDatabase.config,
  PAYMENT_LIMIT: Type.Integer({
    default: 0,
    minimum: 0,
    description: 'a payment above this amount (one unit per item) is declined, LIMIT_EXCEEDED; 0 = no limit',
  }),
  // Lab 09: only events signed by a producer allowed their type (EVENT_PRODUCERS); answers signed.
  ...eventIdentityConfig,
});
export type PaymentSettings = Static<typeof PaymentConfig>;
