import { defineLab } from '@commlab/lab';

// Security is configuration: the same order and inventory services as in labs 01–04, with
// access tokens from the lab's authorization server (auth) and mTLS between them.
//
// - auth issues JWT access tokens; its issuer identifier is the address a reader uses on this
//   machine, in both run modes (services fetch its keys over their own network: ${auth.url}).
// - order checks every API call's token (audience urn:commlab:order, a scope per route) and gets
//   its own token for inventory by client credentials (scope inventory:reserve).
// - inventory accepts gRPC only over mTLS, Reserve and Release only from the peer whose
//   certificate says spiffe://commlab/order, and each RPC only with its scope.
// - events (RabbitMQ here; EVENT_BUS=kafka for Kafka) carry a signature of the service that
//   produced them, made with the key its certificate certifies (CloudEvents Verifiability
//   extension); consumers dead-letter an event whose producer is missing, forged or not
//   allowed that type.
// - the certificates come from infra/certs/certs.sh (the lab issues them when it starts;
//   Compose mounts the folder read-only at /certs).
const issuer = 'http://127.0.0.1:${auth.port}';
// Certificate and key from the one .pem file: certs.sh swaps it in last, whole, so a reload
// never pairs a new key with the old certificate.
const tls = (name: string) => ({
  TLS_CA_FILE: '${certs.dir}/ca.crt',
  TLS_CERT_FILE: `\${certs.dir}/${name}.pem`,
  TLS_KEY_FILE: `\${certs.dir}/${name}.pem`,
});
// Who may emit which events, one table for every consumer; each producer's certificate (its
// public key) is read from the lab PKI.
const producers = {
  EVENT_PRODUCERS: 'spiffe://commlab/order=commlab.order.*,spiffe://commlab/inventory=commlab.inventory.*',
  EVENT_PRODUCERS_DIR: '${certs.dir}',
};

export default defineLab({
  eventBus: 'rabbitmq',
  services: {
    auth: { env: { AUTH_ISSUER: issuer } },
    inventory: {
      env: {
        AUTH_ISSUER: issuer,
        AUTH_JWKS_URL: '${auth.url}/jwks',
        ...tls('inventory'),
        GRPC_PEERS: 'Reserve=spiffe://commlab/order,Release=spiffe://commlab/order,GetStock=spiffe://commlab/order',
        EVENT_SIGNER_FILE: '${certs.dir}/inventory.pem',
        ...producers,
      },
    },
    // The push service takes the same tokens on upgrade (audience urn:commlab:notification,
    // scope notifications:read) and closes a connection with 4401 when its token expires.
    notification: { env: { AUTH_ISSUER: issuer, AUTH_JWKS_URL: '${auth.url}/jwks', ...producers } },
    order: {
      env: {
        INVENTORY_ADDR: '${inventory.addr}',
        AUTH_ISSUER: issuer,
        AUTH_JWKS_URL: '${auth.url}/jwks',
        AUTH_TOKEN_URL: '${auth.url}/token',
        AUTH_CLIENT_ID: 'order',
        AUTH_CLIENT_SECRET: 'order-lab-secret',
        ...tls('order'),
        EVENT_SIGNER_FILE: '${certs.dir}/order.pem',
        ...producers,
      },
    },
    // The console places the page's orders with its own client-credentials token, and signs the
    // customer the page watches in (authorization code + PKCE, the lab's throwaway passwords) for
    // a real push token: the lab's documented shortcut for a page without a login of its own.
    console: {
      env: {
        AUTH_ISSUER: issuer,
        AUTH_TOKEN_URL: '${auth.url}/token',
        AUTH_CLIENT_ID: 'lab-console',
        AUTH_CLIENT_SECRET: 'lab-console-secret',
        CONSOLE_CUSTOMERS: 'reader-1:reader-1-password,reader-2:reader-2-password',
      },
    },
  },
  links: [
    { label: 'Orders API (needs a token)', url: '${order.url}/v2/orders' },
    { label: 'Authorization server metadata', url: '${auth.url}/.well-known/openid-configuration' },
    { label: 'Signing keys (JWKS)', url: '${auth.url}/jwks' },
  ],
  commands: [
    {
      label: 'A reader’s token',
      command: 'node services/auth/src/cli/user-token.ts --user reader-1 --resource urn:commlab:order',
    },
  ],
});
