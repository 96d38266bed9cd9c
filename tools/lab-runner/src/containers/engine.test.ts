import { afterEach, describe, expect, it, vi } from 'vitest';
import { prepareEngine } from './engine.ts';

describe('choosing a container engine', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('refuses a COMMLAB_CONTAINER_ENGINE that is neither docker nor podman', async () => {
    vi.stubEnv('COMMLAB_CONTAINER_ENGINE', 'containerd');
    await expect(prepareEngine()).rejects.toThrow('COMMLAB_CONTAINER_ENGINE is "containerd"; use docker or podman');
  });
});
