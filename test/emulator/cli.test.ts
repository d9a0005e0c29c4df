import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { clientFor, waitFor } from './harness';

const root = path.resolve(__dirname, '../..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');
const main = path.join(root, 'src', 'emulator', 'main.ts');

describe('the emulator CLI (src/emulator/main.ts)', () => {
  test('prints one ready line with its URL and account, serves the configured pools, and stops cleanly on SIGTERM', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-emulator-cli-'));
    const child = spawn(tsx, [main, '--port', '0', '--data-dir', dataDir, '--pool', 'alpha:1:2', '--pool', 'beta:2:1'], {
      env: { ...process.env, BATCH_EMULATOR_ACCOUNT: 'cliaccount' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          if (out.includes('\n')) resolve(out.trim());
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      const match = /^batch emulator listening on (http:\/\/127\.0\.0\.1:\d+) \(account cliaccount\)$/.exec(line);
      expect(match).not.toBeNull();
      const client = clientFor(match![1], 'cliaccount');
      const pools = await client.pool.list();
      expect(pools.map((pool) => [pool.id, pool.currentDedicatedNodes, pool.taskSlotsPerNode])).toEqual([
        ['alpha', 1, 2],
        ['beta', 2, 1],
      ]);
      const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 30_000);

  test('SIGTERM to the whole process group (as a supervisor stops it) kills the tasks and leaves them to be requeued on the next start', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-emulator-cli-'));
    const start = () => {
      const child = spawn(process.execPath, ['--import', 'tsx', main, '--port', '0', '--data-dir', dataDir], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
      const url = new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (chunk) => {
          out += chunk;
          const match = /listening on (\S+)/.exec(out);
          if (match) resolve(match[1]);
        });
        child.once('exit', (code) => reject(new Error(`exited ${code}`)));
      });
      return { child, url };
    };
    const first = start();
    try {
      const client = clientFor(await first.url);
      await client.job.add({ id: 'j', poolInfo: { poolId: 'local' } });
      await client.task.add('j', { id: 't', commandLine: `/bin/sh -c 'echo $$ > "${dataDir}/pid"; sleep 60'` });
      await waitFor(async () => fs.existsSync(path.join(dataDir, 'pid')) && fs.readFileSync(path.join(dataDir, 'pid'), 'utf8').trim() !== '', Boolean);
      const pid = Number(fs.readFileSync(path.join(dataDir, 'pid'), 'utf8'));
      const exited = new Promise((resolve) => first.child.once('exit', resolve));
      process.kill(-first.child.pid!, 'SIGTERM');
      expect(await exited).toBe(0);
      await waitFor(async () => { try { process.kill(pid, 0); return true; } catch { return false; } }, (alive) => !alive, 5000, 'the task to be killed');
      fs.rmSync(path.join(dataDir, 'pid'));

      const second = start();
      try {
        const again = clientFor(await second.url);
        const task = await again.task.get('j', 't');
        expect(task.executionInfo?.requeueCount).toBe(1);
        expect(task.executionInfo?.result).toBeUndefined();
        expect(['active', 'preparing', 'running']).toContain(task.state);
      } finally {
        second.child.kill('SIGTERM');
        await new Promise((resolve) => second.child.once('exit', resolve));
      }
    } finally {
      try { process.kill(-first.child.pid!, 'SIGKILL'); } catch { /* gone */ }
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  test('a port that is taken makes it exit with code 2 and a message naming the port, --port and BATCH_EMULATOR_PORT, without a stack trace', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const result = spawnSync(tsx, [main, '--memory'], { env: { ...process.env, BATCH_EMULATOR_PORT: String(port) }, encoding: 'utf8', timeout: 20_000 });
      expect(result.status).toBe(2);
      expect(result.stderr).toContain(`Port ${port}`);
      expect(result.stderr).toContain('--port');
      expect(result.stderr).toContain('BATCH_EMULATOR_PORT');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      blocker.close();
    }
  }, 30_000);

  test('a malformed --pool value exits with code 2 and says what a pool looks like', () => {
    const result = spawnSync(tsx, [main, '--memory', '--pool', 'broken'], { encoding: 'utf8', timeout: 20_000 });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('id:nodeCount:taskSlotsPerNode');
  }, 30_000);
});
