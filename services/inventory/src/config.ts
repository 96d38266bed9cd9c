import Type from 'typebox';
import { CommonConfig } from '@commlab/kit';

export const InventoryConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 50051, minimum: 0, maximum: 65535, description: 'gRPC port' }),
});
