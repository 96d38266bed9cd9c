import type { Engine } from './engine.ts';
import { run } from './run.ts';

// What the engine tells about the containers of one Compose project.

export interface ContainerMemory {
  service: string;
  /** As the engine shows it: "51.3MB / 134.2MB" (podman) or "51.3MiB / 128MiB" (docker). */
  usage: string;
  bytes: number;
}

/**
 * What each container of a Compose project uses now: the cgroup's figure (`docker stats` /
 * `podman stats`), which is what a memory limit is enforced against.
 */
export async function memoryOf(engine: Engine, project: string): Promise<ContainerMemory[]> {
  const names = await containersOf(engine, project);
  if (names.length === 0) return [];
  const stats = await run(...engine.cli(['stats', '--no-stream', '--format', '{{.Name}}\t{{.MemUsage}}', ...names]));
  return stats.stdout
    .split('\n')
    .filter((line) => line.includes('\t'))
    .map((line) => {
      const [name = '', usage = ''] = line.split('\t');
      return { service: serviceOf(project, name), usage, bytes: parseBytes(usage.split('/')[0]!) };
    })
    .sort((a, b) => a.service.localeCompare(b.service));
}

/** The last log lines of each container, for a failure report. */
export async function logsOf(engine: Engine, project: string, lines = 25): Promise<string> {
  const logs: string[] = [];
  for (const name of await containersOf(engine, project, true)) {
    const ran = await run(...engine.cli(['logs', '--tail', String(lines), name]));
    logs.push(`--- ${serviceOf(project, name)} (last ${lines} lines)`, ran.output);
  }
  return logs.join('\n');
}

async function containersOf(engine: Engine, project: string, exitedToo = false): Promise<string[]> {
  // Both Docker Compose and podman-compose label containers with the project.
  const filter = ['--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Names}}'];
  const ps = await run(...engine.cli(['ps', ...(exitedToo ? ['--all'] : []), ...filter]));
  return ps.code === 0 ? ps.stdout.split('\n').filter(Boolean) : [];
}

/** podman-compose names containers `<project>_<service>_1`, Docker Compose `<project>-<service>-1`. */
function serviceOf(project: string, container: string): string {
  return container.startsWith(project) ? container.slice(project.length + 1).replace(/[-_]\d+$/, '') : container;
}

const units: Record<string, number> = {
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  kib: 2 ** 10,
  mib: 2 ** 20,
  gib: 2 ** 30,
};

/** "51.31MB" → 51310000, "51.3MiB" → 53791539. */
export function parseBytes(text: string): number {
  const match = /^\s*([\d.]+)\s*([a-z]+)\s*$/i.exec(text);
  if (!match) return Number.NaN;
  return Number(match[1]) * (units[match[2]!.toLowerCase()] ?? Number.NaN);
}
