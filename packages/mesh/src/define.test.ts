import { describe, expect, it } from 'vitest';
import { canaryMesh } from './canary-mesh.test-fixture.ts';
import { checkMesh, meshLab, type MeshDefinition } from './define.ts';
import { haproxyConfig, spiffeSanHex } from './haproxy-config.ts';
import { parseSidecarSpec } from './sidecar-spec.ts';

const mesh = canaryMesh;

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
            timeoutMs: 1500,
            retries: { attempts: 2 },
            outlierDetection: { consecutiveErrors: 5, ejectionMs: 10_000 },
          },
        ],
      }),
    );
    const cfg = haproxyConfig(spec, {
      host: '127.0.0.1',
      certs: '/c',
      appHost: '127.0.0.1',
      faultsFile: '/d/faults.map',
    });
    expect(cfg).toContain('bind 127.0.0.1:15006 ssl crt "/c/inventory.pem" ca-file "/c/ca.crt" verify required');
    expect(cfg).toContain(`acl allowed ssl_c_der,hex -m sub ${spiffeSanHex('commlab', 'order')}`);
    expect(cfg).toContain('http-request deny status 403 unless allowed');
    expect(cfg).toContain('server app 127.0.0.1:50061 proto h2 check');
    expect(cfg).toContain('verifyhost pricing alpn http/1.1');
    expect(cfg).toContain('server v1 abns@w-15001-pricing-v1 weight 5 track pricing_v1/v1');
    expect(cfg).toContain('server v1 127.0.0.1:15106 ssl crt');
  });

  it('retries in the split layer and ejects in the per-version layer, whose timeout fires first', () => {
    const spec = parseSidecarSpec(
      JSON.stringify({
        workload: 'order',
        identity: 'order',
        trustDomain: 'commlab',
        healthPort: 15221,
        adminPort: 15200,
        outbound: [
          {
            upstream: 'inventory',
            port: 15201,
            protocol: 'grpc',
            identity: 'inventory',
            timeoutMs: 1500,
            retries: { attempts: 2 },
            outlierDetection: { consecutiveErrors: 5, ejectionMs: 10_000 },
            servers: [
              { name: 'v1', addr: '127.0.0.1:15006', weight: 90 },
              { name: 'v2', addr: '127.0.0.1:15106', weight: 10 },
            ],
          },
        ],
      }),
    );
    const cfg = haproxyConfig(spec, { host: '127.0.0.1', certs: '/c', appHost: '127.0.0.1', faultsFile: '/d/f.map' });
    const section = (name: string) => cfg.slice(cfg.indexOf(name) + 1).split('\n\n')[0]!;
    const split = section('\nbackend inventory');
    expect(split).toContain('retries 2');
    expect(split).toContain('retry-on conn-failure empty-response response-timeout 502 503 504');
    expect(split).toContain('option redispatch 1');
    // 375 ms queued + 1 s connecting + 1.5 s per try + 250 ms: the version's proxy ends a try first.
    expect(split).toContain('timeout server 3125ms');
    expect(split).toContain('server v2 abns@order-15201-inventory-v2 proto h2 weight 10 track inventory_v2/v2');
    expect(split).not.toContain('observe');
    const v2 = section('\nlisten inventory_v2');
    expect(v2).toContain('timeout server 1500ms');
    expect(v2).toContain('timeout queue 375ms');
    expect(v2).toContain('observe layer7 error-limit 5 on-error mark-down fastinter 5000ms');
  });

  it('renders no retries and no outlier detection unless the mesh asks for them', () => {
    const spec = parseSidecarSpec(
      JSON.stringify({
        workload: 'order',
        identity: 'order',
        trustDomain: 'commlab',
        healthPort: 15221,
        adminPort: 15200,
        outbound: [
          {
            upstream: 'inventory',
            port: 15201,
            protocol: 'grpc',
            identity: 'inventory',
            servers: [{ name: 'v1', addr: '127.0.0.1:15006', weight: 1 }],
          },
        ],
      }),
    );
    const cfg = haproxyConfig(spec, { host: '127.0.0.1', certs: '/c', appHost: '127.0.0.1', faultsFile: '/d/f.map' });
    expect(cfg).toContain('retries 0');
    expect(cfg).toContain('timeout queue 500ms');
    expect(cfg).not.toContain('retry-on');
    expect(cfg).not.toContain('observe');
  });

  it("passes the upstream's timeout, retries and outlier detection from the mesh definition to the caller's sidecar", () => {
    const services = meshLab({
      workloads: { 'inventory-v1': { service: 'inventory' }, order: { calls: { inventory: 'INVENTORY_ADDR' } } },
      upstreams: {
        inventory: {
          protocol: 'grpc',
          allow: ['order'],
          versions: { v1: { workload: 'inventory-v1', weight: 1 } },
          timeoutMs: 1500,
          retries: { attempts: 2 },
          outlierDetection: { consecutiveErrors: 5, ejectionMs: 10_000 },
        },
      },
    });
    const spec = JSON.parse(services['order-sidecar']!.env!.MESH_SIDECAR!) as { outbound: object[] };
    expect(spec.outbound[0]).toMatchObject({
      timeoutMs: 1500,
      retries: { attempts: 2 },
      outlierDetection: { consecutiveErrors: 5, ejectionMs: 10_000 },
    });
  });

  it('refuses a spec that is not one, naming the field', () => {
    expect(() => parseSidecarSpec('{"workload":"w"}')).toThrow(/MESH_SIDECAR is not a sidecar spec/);
    expect(() => parseSidecarSpec('nope')).toThrow(/not JSON/);
  });
});
