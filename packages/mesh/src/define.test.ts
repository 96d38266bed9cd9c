import { describe, expect, it } from 'vitest';
import { checkMesh, meshLab, type MeshDefinition } from './define.ts';
import { haproxyConfig, spiffeSanHex } from './haproxy-config.ts';
import { parseSidecarSpec } from './sidecar-spec.ts';

const mesh: MeshDefinition = {
  workloads: {
    'inventory-v1': { service: 'inventory', port: 50061 },
    'inventory-v2': { service: 'inventory', port: 50062 },
    order: { calls: { inventory: 'INVENTORY_ADDR' } },
  },
  upstreams: {
    inventory: {
      protocol: 'grpc',
      allow: ['order'],
      versions: { v1: { workload: 'inventory-v1', weight: 90 }, v2: { workload: 'inventory-v2', weight: 10 } },
    },
  },
};

describe('meshLab', () => {
  it("points each caller's variable at its own sidecar's outbound port", () => {
    const services = meshLab(mesh);
    expect(services.order!.env).toEqual({ INVENTORY_ADDR: '${order-sidecar.inventory.addr}' });
    expect(services['order-sidecar']!.extraPorts!.inventory).toEqual({
      port: 15201,
      env: 'MESH_OUTBOUND_INVENTORY_PORT',
    });
  });

  it("gives each sidecar its part of the mesh: the callee's rule, the caller's weighted versions", () => {
    const services = meshLab(mesh);
    const inventory = JSON.parse(services['inventory-v2-sidecar']!.env!.MESH_SIDECAR!) as Record<string, unknown>;
    expect(inventory).toMatchObject({
      identity: 'inventory',
      inbound: { appPort: '${inventory-v2.port}', protocol: 'grpc', allow: ['order'] },
      outbound: [],
    });
    const order = JSON.parse(services['order-sidecar']!.env!.MESH_SIDECAR!) as { outbound: unknown[] };
    expect(order.outbound).toEqual([
      {
        upstream: 'inventory',
        port: '${order-sidecar.inventory.port}',
        protocol: 'grpc',
        identity: 'inventory',
        servers: [
          { name: 'v1', addr: '${inventory-v1-sidecar.inbound.addr}', weight: 90 },
          { name: 'v2', addr: '${inventory-v2-sidecar.inbound.addr}', weight: 10 },
        ],
      },
    ]);
  });

  it('names every inconsistency of a definition at once', () => {
    const bad: MeshDefinition = {
      workloads: { a: { calls: { nowhere: 'X_ADDR' } }, b: {} },
      upstreams: { b2: { protocol: 'http', allow: ['ghost'], versions: { v1: { workload: 'c', weight: 300 } } } },
    };
    expect(() => checkMesh(bad)).toThrow(/no workload c[\s\S]*weight 300[\s\S]*allows ghost[\s\S]*calls nowhere/);
  });
});

describe('the rendered HAProxy configuration', () => {
  it("matches a SPIFFE ID's URI SAN bytes, length included (infra/haproxy's example)", () => {
    expect(spiffeSanHex('commlab', 'order')).toBe('86167370696666653A2F2F636F6D6D6C61622F6F72646572');
  });

  it('admits only the allowed identities inbound and weights the versions outbound', () => {
    const spec = parseSidecarSpec(
      JSON.stringify({
        workload: 'w',
        identity: 'inventory',
        trustDomain: 'commlab',
        healthPort: '15021',
        adminPort: 15000,
        inbound: { port: 15006, appPort: 50061, protocol: 'grpc', allow: ['order'] },
        outbound: [
          {
            upstream: 'pricing',
            port: 15001,
            protocol: 'http',
            identity: 'pricing',
            servers: [{ name: 'v1', addr: '127.0.0.1:15106', weight: 5 }],
          },
        ],
      }),
    );
    const cfg = haproxyConfig(spec, { host: '127.0.0.1', certs: '/c', appHost: '127.0.0.1', faultsFile: '/d/faults.map' });
    expect(cfg).toContain('bind 127.0.0.1:15006 ssl crt "/c/inventory.pem" ca-file "/c/ca.crt" verify required');
    expect(cfg).toContain(`acl allowed ssl_c_der,hex -m sub ${spiffeSanHex('commlab', 'order')}`);
    expect(cfg).toContain('http-request deny status 403 unless allowed');
    expect(cfg).toContain('server app 127.0.0.1:50061 proto h2 check');
    expect(cfg).toContain('verifyhost pricing alpn http/1.1');
    expect(cfg).toContain('server v1 127.0.0.1:15106 weight 5');
  });

  it('refuses a spec that is not one, naming the field', () => {
    expect(() => parseSidecarSpec('{"workload":"w"}')).toThrow(/MESH_SIDECAR is not a sidecar spec/);
    expect(() => parseSidecarSpec('nope')).toThrow(/not JSON/);
  });
});
