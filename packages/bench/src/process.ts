import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  child: ChildProcess;
  /** The port the process said it listens on. */
  port: number;
  /** Lines it wrote (stdout and stderr), counted: the log volume of a run. */
  readonly lines: number;
  /** The last lines it wrote, for error messages. */
  tail(): string[];
  stop(): Promise<void>;
}

export interface StartProcessOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. ['--cpu-prof', '--cpu-prof-dir=.run/profiles']. */
  nodeArgs?: string[];
  /** Where each output line goes; by default counted and dropped, as a log pipe that is read. */
  output?: (line: string) => void;
  timeoutMs?: number;
}

/**
 * Starts a server script as its own Node process (the harness must never share a process
 * with what it measures) and resolves once it printed `listening on <port>`. Its output is
 * read line by line, as `pnpm lab up` reads a service's, so a baseline pays for its logs the
 * way the project's services do.
 */
export async function startServerProcess(script: string, options: StartProcessOptions = {}): Promise<ServerProcess> {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), script], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  const recent: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${script} did not say "listening on <port>" within ${options.timeoutMs ?? 15_000} ms`)),
      options.timeoutMs ?? 15_000,
    );
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited with code ${code} before listening:\n${recent.join('\n')}`));
    });
    for (const stream of [child.stdout!, child.stderr!]) {
      createInterface({ input: stream }).on('line', (line) => {
        lines++;
        recent.push(line);
        if (recent.length > 20) recent.shift();
        options.output?.(line);
        const match = /listening on (\d+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      });
    }
  });
  return {
    child,
    port,
    get lines() {
      return lines;
    },
    tail: () => [...recent],
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
