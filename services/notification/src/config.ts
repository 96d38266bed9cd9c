import Type from 'typebox';
import { CommonConfig } from '@commlab/kit';

export const NotificationConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3001, minimum: 0, maximum: 65535, description: 'HTTP and WebSocket port' }),
});
