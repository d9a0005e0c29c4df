import fs from 'node:fs';
import path from 'node:path';

/** Clock ticks per second of /proc's times; 100 on every Linux this runs on. */
const ticksPerSecond = 100;

/**
 * CPU seconds a stack process has used so far, its own and its reaped
 * children's (the emulator's tasks), from /proc; undefined once it is gone.
 */
export function cpuSeconds(logsDir: string, name: string): number | undefined {
  try {
    const pid = fs.readFileSync(path.join(logsDir, `${name}.pid`), 'utf8').trim();
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which may hold spaces: state is field 3, utime field 14.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
    return (utime + stime + cutime + cstime) / ticksPerSecond;
  } catch {
    return undefined;
  }
}

/** "worker 12.3 s, emulator 4.5 s, …" for the named stack processes. */
export function cpuReport(logsDir: string, names: string[], since: Record<string, number> = {}): string {
  return names
    .map((name) => {
      const used = cpuSeconds(logsDir, name);
      return `${name} ${used === undefined ? 'unknown' : `${(used - (since[name] ?? 0)).toFixed(1)} s`}`;
    })
    .join(', ');
}

export function cpuSnapshot(logsDir: string, names: string[]): Record<string, number> {
  return Object.fromEntries(names.map((name) => [name, cpuSeconds(logsDir, name) ?? 0]));
}

/**
 * Waits until the named processes together use less than `quietCpuSeconds`
 * over `windowMs` (the worker bundles its workflows and connects after it
 * polls), so a scenario's CPU is its own and not the tail of the stack's start.
 */
export async function waitUntilQuiet(logsDir: string, names: string[], { windowMs = 1000, quietCpuSeconds = 0.05, timeoutMs = 30_000 } = {}): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const total = () => names.reduce((sum, name) => sum + (cpuSeconds(logsDir, name) ?? 0), 0);
  let before = total();
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, windowMs));
    const now = total();
    if (now - before < quietCpuSeconds) return;
    before = now;
  }
}
