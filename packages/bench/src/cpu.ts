import { readFileSync } from 'node:fs';

// Linux reports process CPU time in clock ticks; 100 per second on every common kernel config.
const ticksPerSecond = 100;

/**
 * CPU time a process (all its threads) has used so far, in ms, from /proc/<pid>/stat; undefined
 * where there is no /proc (macOS). On a shared machine, CPU per request is steadier than
 * requests per second: neighbours slow a server down, but barely change what each request costs.
 */
export function cpuTimeMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces, so split after its closing paren).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1_000) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** Measures the CPU time some processes use while `work` runs, in ms each (undefined without /proc). */
export async function cpuDuring<T>(
  pids: Record<string, number | undefined>,
  work: () => Promise<T>,
): Promise<{ result: T; cpuMs: Record<string, number | undefined> }> {
  const before = Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, pid && cpuTimeMs(pid)]));
  const result = await work();
  const cpuMs = Object.fromEntries(
    Object.entries(pids).map(([k, pid]) => {
      const start = before[k];
      const end = pid && cpuTimeMs(pid);
      return [k, typeof start === 'number' && typeof end === 'number' ? end - start : undefined];
    }),
  );
  return { result, cpuMs };
}
