import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../../../src/stack/config';
import { findFreePort } from '../../../src/stack/ports';
import { isAlive, servicePids } from '../support/processes';

describe('remote-batch stack', () => {
  it('starts every service, prints the endpoints, and stops all of them on Ctrl-C', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-cli-stack-'));
    const uiPort = await findFreePort();
    const stack = spawn(process.execPath, [path.join(repoRoot, 'bin', 'remote-batch.js'), 'stack', '--data-dir', dataDir, '--pools', 'cli:1:2'], {
      cwd: repoRoot,
      env: {
        ...process.env,
        REMOTE_BATCH_TEMPORAL_PORT: String(await findFreePort()),
        REMOTE_BATCH_TEMPORAL_UI_PORT: String(uiPort),
        REMOTE_BATCH_AZURITE_PORT: String(await findFreePort()),
        REMOTE_BATCH_EMULATOR_PORT: String(await findFreePort()),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    stack.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    stack.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => stack.once('exit', resolve));
    try {
      const deadline = Date.now() + 90_000;
      while (!output.includes('Press Ctrl-C to stop.') && Date.now() < deadline && stack.exitCode === null) {
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      expect(output).toContain(`Temporal Web UI     http://127.0.0.1:${uiPort}`);
      expect(output).toContain('pool(s): cli:1:2');
      const logs = path.join(dataDir, 'logs');
      const pids = servicePids(logs);
      expect(pids).toHaveLength(4);

      stack.kill('SIGINT');
      expect(await exited).toBe(0);
      expect(output).toContain('stopped.');
      expect(pids.filter(isAlive)).toEqual([]);
    } finally {
      if (stack.exitCode === null) stack.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
