import fs from 'node:fs';
import path from 'node:path';
import { stopLeftovers } from '../../src/stack/managedProcess';
import { isAlive } from '../e2e/support/processes';

/**
 * Each test run keeps its stack in a folder named by its pid, so runs side by
 * side never touch each other; a run that was killed left services behind,
 * which its pid files find.
 */
export function clearDeadRuns(runsDir: string): void {
  for (const name of fs.existsSync(runsDir) ? fs.readdirSync(runsDir) : []) {
    if (isAlive(Number(name))) continue;
    stopLeftovers(path.join(runsDir, name, 'logs'));
    fs.rmSync(path.join(runsDir, name), { recursive: true, force: true });
  }
}
