import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadLab } from '../labs.ts';
import { composeFile } from './compose-file.ts';
import { labContainers } from './run-lab.ts';

describe('the containers a run of a lab starts', () => {
  it('names a broker cluster by its nodes, each a service of the Compose file (podman-compose fails on any other name)', async () => {
    const lab = await loadLab('11-high-availability');
    const services = Object.keys((parse(composeFile(lab)) as { services: Record<string, unknown> }).services);
    const started = labContainers(lab);
    expect(started).toEqual(expect.arrayContaining(['kafka-1', 'controller-3', 'rabbit-2', 'order-kafka']));
    expect(started).not.toContain('kafka-cluster');
    expect(started).not.toContain('rabbitmq-cluster');
    for (const name of started) expect(services, name).toContain(name);
  });
});
