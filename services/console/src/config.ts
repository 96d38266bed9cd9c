import Type from 'typebox';
import { CommonConfig } from '@commlab/kit';
import { tlsConfig, tokenClientConfig } from '@commlab/security';

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
  // Lab 09: the console's own token for the order API, and real push tokens for lab customers.
  ...tokenClientConfig,
  // Lab 09: its calls to auth and order go over mTLS with the console's certificate.
  ...tlsConfig,
  AUTH_ISSUER: Type.Optional(
    Type.String({
      pattern: '^https?://',
      description: 'issuer the console signs lab customers in at (CONSOLE_CUSTOMERS)',
    }),
  ),
  CONSOLE_CUSTOMERS: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z0-9._-]+:[^,]+(,[A-Za-z0-9._-]+:[^,]+)*$',
      description:
        'lab customers the page may watch, customer:password pairs; set = push tokens by sign-in at AUTH_ISSUER instead of HMAC',
    }),
  ),
});
