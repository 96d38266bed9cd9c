import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLab } from './start-lab.ts';

describe('startLab against a lab that is already running', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('drives it on its default ports', async () => {
    vi.stubEnv('COMMLAB_LAB_TARGET', 'running');
    const lab = await startLab('01-tour');
    expect(lab.url('order')).toBe('http://127.0.0.1:3000');
    expect(lab.onItsPorts('curl -s localhost:3000/orders')).toBe('curl -s localhost:3000/orders');
  });

  it('drives it on the ports COMMLAB_LAB_PORTS names, and moves guide commands there', async () => {
    vi.stubEnv('COMMLAB_LAB_TARGET', 'running');
    // inventory moves onto order's default port: each address is moved once, not twice.
    vi.stubEnv('COMMLAB_LAB_PORTS', 'order=41000,inventory=3000');
    const lab = await startLab('01-tour');
    expect(lab.url('order')).toBe('http://127.0.0.1:41000');
    expect(lab.addr('inventory')).toBe('127.0.0.1:3000');
    expect(lab.addr('notification')).toBe('127.0.0.1:3001');
    expect(lab.onItsPorts('curl localhost:3000/orders; grpcurl 127.0.0.1:50051 list; curl localhost:3001/readyz')).toBe(
      'curl localhost:41000/orders; grpcurl 127.0.0.1:3000 list; curl localhost:3001/readyz',
    );
  });

  it('refuses COMMLAB_LAB_PORTS that names no service of the lab', async () => {
    vi.stubEnv('COMMLAB_LAB_TARGET', 'running');
    vi.stubEnv('COMMLAB_LAB_PORTS', 'gateway=8080');
    await expect(startLab('01-tour')).rejects.toThrow(/"gateway" is no service of lab 01-tour/);
  });
});
