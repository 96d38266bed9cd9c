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
// - service-to-service HTTP is mTLS too. auth and order each keep their reader's port as it was
//   (plain HTTP: the guide's curl commands, the browser, `pnpm lab verify`) and add a second
//   listener, `mtls`, that only takes certificates of the lab CA: what every service calls them
//   on (JWKS, tokens, the console's orders). Two ports rather than one TLS port everyone uses, so
//   the reader types no --cert in every step and the browser needs no client certificate; the
//   reader's port cannot stand in for the service one where it matters: order's and the
//   console's client secrets get a token only over mTLS with their own certificate
//   (AUTH_CLIENT_PEERS, the rule of RFC 8705's tls_client_auth).
const issuer = 'http://127.0.0.1:${auth.port}';
const authMtls = 'https://${auth.mtls.addr}';
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

// A service listener's peers: every lab service may ask auth for keys and tokens.
const services = ['order', 'inventory', 'notification', 'console'].map((name) => `spiffe://commlab/${name}`);

export default defineLab({
  eventBus: 'rabbitmq',
  services: {
    auth: {
      extraPorts: { mtls: { port: 3091, env: 'MTLS_PORT' } },
      env: {
        AUTH_ISSUER: issuer,
        ...tls('auth'),
        MTLS_PEERS: services.join(','),
        AUTH_CLIENT_PEERS: 'order=spiffe://commlab/order,lab-console=spiffe://commlab/console',
      },
    },
    inventory: {
      env: {
        AUTH_ISSUER: issuer,
        AUTH_JWKS_URL: `${authMtls}/jwks`,
        ...tls('inventory'),
        GRPC_PEERS: 'Reserve=spiffe://commlab/order,Release=spiffe://commlab/order,GetStock=spiffe://commlab/order',
        EVENT_SIGNER_FILE: '${certs.dir}/inventory.pem',
        ...producers,
      },
    },
    // The push service takes the same tokens on upgrade (audience urn:commlab:notification,
    // scope notifications:read) and closes a connection with 4401 when its token expires.
    notification: {
      env: { AUTH_ISSUER: issuer, AUTH_JWKS_URL: `${authMtls}/jwks`, ...tls('notification'), ...producers },
    },
    // The console calls the order API on order's mTLS listener, which takes the console only.
    order: {
      extraPorts: { mtls: { port: 3443, env: 'MTLS_PORT' } },
      env: {
        INVENTORY_ADDR: '${inventory.addr}',
        AUTH_ISSUER: issuer,
        AUTH_JWKS_URL: `${authMtls}/jwks`,
        AUTH_TOKEN_URL: `${authMtls}/token`,
        AUTH_CLIENT_ID: 'order',
        AUTH_CLIENT_SECRET: 'order-lab-secret',
        ...tls('order'),
        MTLS_PEERS: 'spiffe://commlab/console',
        EVENT_SIGNER_FILE: '${certs.dir}/order.pem',
        ...producers,
      },
    },
    // The console places the page's orders with its own client-credentials token, and signs the
    // customer the page watches in (authorization code + PKCE, the lab's throwaway passwords) for
    // a real push token: the lab's documented shortcut for a page without a login of its own.
    console: {
      env: {
        ORDER_URL: 'https://${order.mtls.addr}',
        AUTH_ISSUER: issuer,
        AUTH_TOKEN_URL: `${authMtls}/token`,
        ...tls('console'),
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
