import Type, { type Static } from 'typebox';
import { BusConfig } from '@commlab/events';
import { CommonConfig } from '@commlab/kit';
import { tlsConfig, tokenCheckConfig } from '@commlab/security';
import { eventIdentityConfig } from '@commlab/security/events';
import { serviceDatabase } from '@commlab/sql';

export const inventoryDatabase = serviceDatabase('INVENTORY_DB_FILE', 'inventory.sqlite');

const port = (description: string) => Type.Integer({ minimum: 0, maximum: 65535, description });

export const InventoryConfig = Type.Object({
  ...CommonConfig,
  PORT: Type.Integer({ default: 50051, minimum: 0, maximum: 65535, description: 'gRPC port' }),
  // Events (lab 02): with a bus, inventory also reserves stock for orders placed by event.
  ...BusConfig,
  // Stock, reservations and answers outlive a restart: PostgreSQL, or an SQLite file.
  ...inventoryDatabase.config,
  THRIFT_PORT: Type.Optional(port('Thrift port (framed transport, compact protocol); unset = no Thrift server')),
  HTTP_PORT: Type.Optional(port('REST/JSON port; unset = no HTTP server')),
  FAULTS_FILE: Type.Optional(
    Type.String({
      minLength: 1,
      description: 'flagd flag file of runtime fault dials on the edges into this service (lab 11); unset = no dials',
    }),
  ),
  RESERVE_DELAY_MS: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 60_000,
    description: 'wait before each reservation asked over gRPC, Thrift or REST, to watch deadlines and cancellation',
  }),
  // Security (lab 09): access tokens per RPC, mTLS, and which peer identities may call what.
  ...tokenCheckConfig('urn:commlab:inventory'),
  ...tlsConfig,
  ...eventIdentityConfig,
  GRPC_PEERS: Type.Optional(
    Type.String({
      pattern: '^[A-Za-z]+=spiffe://[^,=]+(,[A-Za-z]+=spiffe://[^,=]+)*$',
      description:
        'with mTLS, the peers each RPC accepts, e.g. Reserve=spiffe://commlab/order,Release=spiffe://commlab/order; ' +
        'unlisted RPCs are refused. Unset = any peer with a certificate from TLS_CA_FILE',
    }),
  ),
});

export type InventorySettings = Static<typeof InventoryConfig>;
