import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { repoRoot } from '../paths.ts';
import { untilReady } from '../readiness.ts';
import { serviceColour } from '../say.ts';

export interface RunningService {
  name: string;
  child: ChildProcess;
  exited: Promise<number | null>;
  /** Its last lines of output, for the error when it exits before it is ready. */
  lastLines: string[];
}

export interface SpawnOptions {
  name: string;
  service: string;
  env: Record<string, string>;
  /** Index into the colour palette, so each service keeps its colour. */
  index: number;
  /** Where each output line goes; the lab runner prefixes it, tests may collect it. */
  output?: (line: string) => void;
  labelWidth?: number;
  /** Turns each line into what is shown (the runner's pretty logs), before `output`. */
  format?: (line: string) => string;
}

/** Starts one service as a Node process running its TypeScript sources directly. */
export function spawnService({
  name,
  service,
  env,
  index,
  output,
  labelWidth = name.length,
  format = (line) => line,
}: SpawnOptions): RunningService {
  const child = spawn(process.execPath, [join(repoRoot, 'services', service, 'src/main.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const label = serviceColour(index, `${name.padEnd(labelWidth)} │`);
  const write = output ?? ((line: string) => console.log(`${label} ${line}`));
  const lastLines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    createInterface({ input: stream }).on('line', (line) => {
      lastLines.push(line);
      if (lastLines.length > 15) lastLines.shift();
      write(format(line));
    });
  }
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name, child, exited, lastLines };
}

class ExitedEarly extends Error {}

/** Polls the service's readiness until it answers, it exits, or time runs out. */
export async function waitReady(service: RunningService, target: string, timeoutMs = 30_000): Promise<void> {
  let exitCode: number | null | undefined;
  void service.exited.then((code) => (exitCode = code));
  try {
    await untilReady(target, timeoutMs, () => {
      if (exitCode !== undefined) {
        const said = service.lastLines.length > 0 ? `; its last lines:\n${service.lastLines.join('\n')}` : '';
        throw new ExitedEarly(`${service.name} exited with code ${exitCode} before it was ready${said}`);
      }
    });
  } catch (err) {
    throw err instanceof ExitedEarly ? err : new Error(`${service.name} was ${(err as Error).message}`);
  }
}

/** SIGTERM in reverse start order, so callers stop before what they call; SIGKILL after the grace period. */
export async function stopAll(services: RunningService[], graceMs = 10_000): Promise<void> {
  for (const service of [...services].reverse()) {
    if (service.child.exitCode !== null || service.child.signalCode !== null) continue;
    service.child.kill('SIGTERM');
    // A paused service (SIGSTOP) handles the SIGTERM only once it runs again.
    service.child.kill('SIGCONT');
    const timer = setTimeout(() => service.child.kill('SIGKILL'), graceMs);
    await service.exited;
    clearTimeout(timer);
  }
}
