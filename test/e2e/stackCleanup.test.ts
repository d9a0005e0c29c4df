import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../src/stack/config';
import { isAlive, servicePids } from './support/processes';

describe('the local stack leaves no process behind', () => {
  it('stops every service when the process that started the stack is killed outright', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-cleanup-'));
    const script =
      `const { startLocalStack } = require('./src/stack/localStack'); const { findFreePort } = require('./src/stack/ports');` +
      `(async () => { const port = () => findFreePort(); await startLocalStack({ dataDir: ${JSON.stringify(dataDir)},` +
      ` ports: { temporal: await port(), temporalUi: await port(), azurite: await port(), emulator: await port() } });` +
      ` console.log('up'); setInterval(() => {}, 1000); })();`;
    const owner = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      owner.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('up') && resolve());
      owner.once('exit', (code) => reject(new Error(`stack owner exited early (${code})`)));
    });
    const logs = path.join(dataDir, 'logs');
    const pids = servicePids(logs);
    expect(pids).toHaveLength(4);
    expect(pids.every(isAlive)).toBe(true);

    owner.kill('SIGKILL');
    const deadline = Date.now() + 10_000;
    while (pids.some(isAlive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
    expect(pids.filter(isAlive)).toEqual([]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  });
});
