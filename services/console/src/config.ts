import Type from 'typebox';
import { CommonConfig } from '@commlab/kit';

export const ConsoleConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 3080, minimum: 0, maximum: 65535, description: 'console page port' }),
  LAB_ID: Type.Optional(Type.String({ description: 'the lab shown in the page title' })),
  ORDER_URL: Type.Optional(
    Type.String({ pattern: '^https?://', description: 'order API the page places orders through' }),
  ),
  ZIPKIN_URL: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: "Zipkin the page links each order's trace to (lab 14), as the console reaches it",
    }),
  ),
  NOTIFICATION_PORT: Type.Optional(
    Type.Integer({ minimum: 1, maximum: 65535, description: 'port the page opens its notification WebSocket on' }),
  ),
  PUSH_TOKEN_SECRET: Type.String({
    default: 'commlab-lab-secret',
    minLength: 16,
    description: 'HMAC secret that signs and checks bearer tokens (a lab default; set your own anywhere else)',
  }),
});
