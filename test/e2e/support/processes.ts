import fs from 'node:fs';
import path from 'node:path';

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The pids of a stack's services, from the pid files in its logs folder. */
export function servicePids(logsDir: string): number[] {
  return fs
    .readdirSync(logsDir)
    .filter((name) => name.endsWith('.pid'))
    .map((name) => Number(fs.readFileSync(path.join(logsDir, name), 'utf8')));
}
