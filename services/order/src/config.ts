import Type from 'typebox';
import { CommonConfig } from '@commlab/kit';

export const OrderConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3000, minimum: 0, maximum: 65535, description: 'HTTP port' }),
  INVENTORY_ADDR: Type.String({ default: '127.0.0.1:50051', description: 'inventory gRPC address, host:port' }),
  INVENTORY_DEADLINE_MS: Type.Integer({
    default: 2000,
    minimum: 1,
    description: 'how long a stock reservation may take before the order answers 504',
  }),
  DATABASE_URL: Type.Optional(
    Type.String({ pattern: '^postgres(ql)?://', description: 'PostgreSQL URL; unset = embedded SQLite file' }),
  ),
  ORDER_DB_FILE: Type.Optional(
    Type.String({ description: 'SQLite file when DATABASE_URL is unset; default DATA_DIR/orders.sqlite' }),
  ),
  BODY_LIMIT_BYTES: Type.Integer({ default: 1_048_576, minimum: 1024, description: 'largest accepted request body' }),
});
