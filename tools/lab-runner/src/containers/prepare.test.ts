import { afterEach, describe, expect, it, vi } from 'vitest';
import { prepareEngine } from './prepare.ts';

describe('choosing a container engine', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('refuses a COMMLAB_CONTAINER_ENGINE that is neither docker nor podman', async () => {
    vi.stubEnv('COMMLAB_CONTAINER_ENGINE', 'containerd');
    await expect(prepareEngine()).rejects.toThrow('COMMLAB_CONTAINER_ENGINE is "containerd"; use docker or podman');
  });

  it('names the ways out when no engine runs and none can be installed', async () => {
    // Nothing on PATH: no docker, no podman, no apt-get to install it with.
    vi.stubEnv('PATH', '/nonexistent');
    await expect(prepareEngine()).rejects.toThrow(
      /no container engine: .*Install Docker \(with Compose\) or run infra\/containers\/setup-podman\.sh as root, or pass --native-only/,
    );
  });
});
