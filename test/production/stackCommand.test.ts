import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../../src/stack/config';
import { servicePids } from '../e2e/support/processes';
import { expectCtrlCStopsAll, killStackCommand, startStackCommand } from '../support/stackCommand';

describe('remote-batch stack --temporal postgres --workers 3', () => {
  it('starts PostgreSQL, the real Temporal server, Azurite, the emulator and three workers, and Ctrl-C stops them all', async () => {
    const dataDir = path.join(defaultDataDir, 'production-cli-stacks', String(process.pid));
    const stack = await startStackCommand(['--temporal', 'postgres', '--workers', '3', '--data-dir', dataDir], 4 * 60_000);
    try {
      const output = stack.output();
      expect(output).toContain(`Temporal server     127.0.0.1:${stack.ports.temporal} (namespace default; server v1.30.4, PostgreSQL 127.0.0.1:`);
      expect(output.match(/worker {14}remote-batch-worker-\d@/g)).toHaveLength(3);
      const logs = path.join(dataDir, 'logs');
      expect(fs.readdirSync(logs).filter((name) => name.endsWith('.pid')).sort()).toEqual(
        ['azurite', 'emulator', 'postgres', 'temporal', 'worker-1', 'worker-2', 'worker-3'].map((name) => `${name}.pid`),
      );
      const pids = servicePids(logs);

      await expectCtrlCStopsAll(stack, pids);
    } finally {
      killStackCommand(stack);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 6 * 60_000);
});
