import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freemem } from 'node:os';
import {
  allPorts,
  clusterRunning,
  clusters,
  isCluster,
  type ClusterName,
  colour,
  infraAddress,
  infraNames,
  nativeInfra,
  reachable,
  readyLabs,
  repoRoot,
  say,
  type InfraEndpoints,
  type Lab,
} from '@commlab/lab/runner';
import { chromium, servicePackages } from '../debian-packages.ts';

/** One line of the doctor's report: fine, worth knowing, or a problem to fix before a workshop. */
export interface Finding {
  level: 'ok' | 'warn' | 'problem';
  text: string;
  fix?: string;
}

export interface Machine {
  nodeVersion: string;
  /** The oldest Node the code runs on (package.json `engines`, e.g. ">=22.18"). */
  nodeEngines: string;
  infra: InfraEndpoints;
  labs: Lab[];
  /** The container engine that answers, if any. */
  engine: string | undefined;
  /** The Debian packages run natively (Chromium, what the labs' services run) and whether each is installed. */
  programs: { pkg: string; by: string; installed: boolean }[];
  /** Memory available to new processes, in bytes (Linux: MemAvailable); asked only for a lab with broker clusters. */
  memoryAvailable?: number;
  /** Whether every node of a cluster runs (its cluster.sh status): its ports are then its own. */
  clusterRunning?: (name: ClusterName) => boolean;
}

/** What both broker clusters may take together (measured ~1.3 GiB; the target the issue sets). */
export const clustersMemory = 2 * 1024 ** 3;

/** pnpm lab doctor: what a workshop machine has and lacks, with the fix for each gap. Changes nothing. */
export async function doctor(): Promise<number> {
  const labs = await readyLabs();
  const findings = await examine({
    nodeVersion: process.version,
    nodeEngines: (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { engines: { node: string } })
      .engines.node,
    infra: nativeInfra(),
    labs,
    engine: ['docker', 'podman'].find((bin) => spawnSync(bin, ['info'], { stdio: 'ignore' }).status === 0),
    programs: [chromium, ...servicePackages(labs)].map(({ pkg, by, installed }) => ({
      pkg,
      by,
      installed: installed(),
    })),
    memoryAvailable: memoryAvailable(),
    clusterRunning,
  });
  for (const { level, text, fix } of findings) {
    if (level === 'ok') say.ok(text);
    else if (level === 'warn') say.warn(text);
    else say.fail(`${text}${fix ? ` — ${fix}` : ''}`);
  }
  const problems = findings.filter((f) => f.level === 'problem').length;
  say.line();
  say.line(problems === 0 ? colour.green('Ready for the labs.') : colour.red(`${problems} problem(s) to fix first.`));
  return problems === 0 ? 0 : 1;
}

/**
 * The checks themselves: a Node that runs the code (type stripping without flags, node:sqlite),
 * each broker and Redis (a warning only: `pnpm lab up` starts or names what a lab needs; a
 * cluster's AMQP_URL is asked by its first node), every port of every ready lab free, the Debian
 * programs run natively (a warning: the runner installs them as root), a container engine (a
 * warning only: every lab runs natively).
 */
export async function examine(machine: Machine): Promise<Finding[]> {
  const findings: Finding[] = [];
  const [major = 0, minor = 0] = machine.nodeVersion.replace(/^v/, '').split('.').map(Number);
  const [minMajor = 0, minMinor = 0] = machine.nodeEngines
    .replace(/^>=\s*/, '')
    .split('.')
    .map(Number);
  const fix = 'Node 24 LTS is the target; ./lab fetches it for you';
  if (major < minMajor || (major === minMajor && minor < minMinor)) {
    findings.push({
      level: 'problem',
      text: `Node.js ${machine.nodeVersion} cannot run the labs (${machine.nodeEngines})`,
      fix,
    });
  } else if (major < 24) {
    findings.push({
      level: 'warn',
      text: `Node.js ${machine.nodeVersion} runs the labs; they are tested on Node 24 (./lab fetches it)`,
    });
  } else {
    findings.push({ level: 'ok', text: `Node.js ${machine.nodeVersion}` });
  }

  // The clusters are a lab's own, checked with the room they need below.
  for (const name of infraNames.filter((infra) => !isCluster(infra))) {
    const address = infraAddress(name, machine.infra);
    findings.push(
      (await reachable(address))
        ? { level: 'ok', text: `${name} answers on ${address}` }
        : {
            level: 'warn',
            text: `${name} not answering on ${address} (pnpm lab up starts or names it when a lab needs it)`,
          },
    );
  }

  for (const lab of machine.labs) {
    for (const { key, port } of allPorts(lab)) {
      findings.push(
        (await reachable(`127.0.0.1:${port}`))
          ? {
              level: 'problem',
              text: `port ${port} is taken (${lab.id} ${key} needs it)`,
              fix: `something else listens there (ss -ltnp | grep ${port}); stop it or ${lab.id} cannot start`,
            }
          : { level: 'ok', text: `port ${port} free (${lab.id} ${key})` },
      );
    }
  }

  for (const { pkg, by, installed } of machine.programs) {
    findings.push(
      installed
        ? { level: 'ok', text: `${pkg} installed (${by})` }
        : {
            level: 'warn',
            text: `${pkg} is not installed (${by}): pnpm lab test, up and bench install it as root, else sudo apt-get install ${pkg}`,
          },
    );
  }

  findings.push(...(await clusterRoom(machine)));

  findings.push(
    machine.engine
      ? { level: 'ok', text: `container engine: ${machine.engine} (Compose runs work)` }
      : { level: 'warn', text: 'no running Docker or Podman engine: native runs only (that is fine for every lab)' },
  );
  return findings;
}

/**
 * Room for the broker clusters a ready lab runs (11-high-availability): every node's port free
 * (or held by the running cluster itself), and memory for both clusters together.
 */
async function clusterRoom(machine: Machine): Promise<Finding[]> {
  const needed = [...new Set(machine.labs.flatMap((lab) => lab.infra.filter(isCluster)))];
  if (needed.length === 0) return [];
  const findings: Finding[] = [];
  for (const name of needed) {
    const { label, hostPorts } = clusters[name];
    const running = machine.clusterRunning?.(name) ?? false;
    const taken = [];
    for (const [node, port] of Object.entries(hostPorts)) {
      if (!running && (await reachable(`127.0.0.1:${port}`))) taken.push(`${port} (${node})`);
    }
    findings.push(
      running
        ? { level: 'ok', text: `${label} runs (its ports are its own)` }
        : taken.length > 0
          ? {
              level: 'problem',
              text: `${label}: port ${taken.join(', ')} taken while the cluster is not running`,
              fix: `something else listens there (ss -ltnp); stop it, or infra/${name}/cluster.sh start cannot`,
            }
          : { level: 'ok', text: `${label}: ports ${Object.values(hostPorts).join(', ')} free` },
    );
  }
  const gib = (bytes: number) => `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
  if (machine.memoryAvailable !== undefined) {
    findings.push(
      machine.memoryAvailable >= clustersMemory
        ? {
            level: 'ok',
            text: `memory: ${gib(machine.memoryAvailable)} available; the broker clusters take up to ${gib(clustersMemory)} (measured ~1.3 GiB)`,
          }
        : {
            level: 'warn',
            text: `memory: ${gib(machine.memoryAvailable)} available, and the broker clusters of 11-high-availability take up to ${gib(clustersMemory)} (measured ~1.3 GiB): close other programs first`,
          },
    );
  }
  return findings;
}

/** MemAvailable on Linux (free memory plus what the kernel can reclaim), else free memory. */
function memoryAvailable(): number {
  try {
    const kib = /^MemAvailable:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1];
    if (kib) return Number(kib) * 1024;
  } catch {
    // not Linux
  }
  return freemem();
}
