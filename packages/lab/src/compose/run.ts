import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { repoRoot } from '../paths.ts';

export interface Ran {
  code: number;
  /** Everything the command wrote (stdout and stderr interleaved), for error messages. */
  output: string;
  stdout: string;
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  /** Called with each output line as it arrives (progress); the output is collected either way. */
  onLine?: (line: string) => void;
}

const children = new Set<ChildProcess>();

/**
 * Runs a command without blocking the event loop, so that a signal handler can still stop
 * it and tear down what was started (spawnSync would hold the signal until the child ends).
 */
export function run(command: string, args: readonly string[], options: RunOptions = {}): Promise<Ran> {
  return new Promise((resolve) => {
    const child = spawn(command, args, {
      cwd: repoRoot,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    children.add(child);
    const all: string[] = [];
    const out: string[] = [];
    const collect = (stream: NodeJS.ReadableStream, into?: string[]) =>
      createInterface({ input: stream }).on('line', (line) => {
        all.push(line);
        into?.push(line);
        options.onLine?.(line);
      });
    collect(child.stdout!, out);
    collect(child.stderr!);
    child.once('error', (err) => {
      children.delete(child);
      resolve({ code: 127, output: `${command}: ${err.message}`, stdout: '' });
    });
    child.once('close', (code, signal) => {
      children.delete(child);
      resolve({ code: code ?? (signal ? 128 : 1), output: all.join('\n'), stdout: out.join('\n') });
    });
  });
}

/** Stops every command still running (on SIGINT/SIGTERM, before tearing down). */
export function stopRunning(): void {
  for (const child of children) child.kill('SIGTERM');
}

/** The last lines of a command's output, for a failure message. */
export function tail(output: string, lines = 30): string {
  return output.split('\n').slice(-lines).join('\n');
}
