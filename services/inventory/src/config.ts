import Type from 'typebox';
import { BusConfig } from '@commlab/events';
import { CommonConfig } from '@commlab/kit';

export const InventoryConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 50051, minimum: 0, maximum: 65535, description: 'gRPC port' }),
  // Events (lab 02): with a bus, inventory also reserves stock for orders placed by event.
  ...BusConfig,
});
