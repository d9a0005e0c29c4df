import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expectCtrlCStopsAll, killStackCommand, startStackCommand } from '../../support/stackCommand';
import { servicePids } from '../support/processes';

describe('remote-batch stack', () => {
  it('starts every service, prints the endpoints, and stops all of them on Ctrl-C', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-cli-stack-'));
    const stack = await startStackCommand(['--data-dir', dataDir, '--pools', 'cli:1:2'], 90_000);
    try {
      expect(stack.output()).toContain(`Temporal Web UI     http://127.0.0.1:${stack.ports.temporalUi}`);
      expect(stack.output()).toContain('pool(s): cli:1:2');
      const logs = path.join(dataDir, 'logs');
      const pids = servicePids(logs);
      expect(pids).toHaveLength(4);

      await expectCtrlCStopsAll(stack, pids);
    } finally {
      killStackCommand(stack);
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
