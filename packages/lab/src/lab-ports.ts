import type { Lab } from './define.ts';

/**
 * COMMLAB_LAB_PORTS, e.g. `order=41000,inventory=41001`: where a running lab's services listen
 * when not on their default ports. The compose check starts containers on free ports and hands
 * them to the lab's tests this way.
 */
export function parseLabPorts(lab: Lab, text: string | undefined): Record<string, number> {
  const ports: Record<string, number> = {};
  for (const pair of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [name = '', value = ''] = pair.split('=').map((p) => p.trim());
    if (!(name in lab.services)) {
      throw new Error(
        `COMMLAB_LAB_PORTS: "${name}" is no service of lab ${lab.id} (${Object.keys(lab.services).join(', ')})`,
      );
    }
    const port = Number(value);
    if (!Number.isInteger(port) || port < 1 || port > 65_535) {
      throw new Error(`COMMLAB_LAB_PORTS: "${value}" is no port for ${name}; write name=port,name=port`);
    }
    ports[name] = port;
  }
  return ports;
}

export function formatLabPorts(ports: Record<string, number>): string {
  return Object.entries(ports)
    .map(([name, port]) => `${name}=${port}`)
    .join(',');
}
