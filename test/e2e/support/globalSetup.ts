import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../../../src/stack/config';
import { startLocalStack } from '../../../src/stack/localStack';
import { stopLeftovers } from '../../../src/stack/managedProcess';
import { findFreePort } from '../../../src/stack/ports';

/**
 * One real stack (Temporal dev server, Azurite, the Batch emulator, the worker)
 * for the whole e2e run, on free ports and its own data folder, so it never
 * collides with a developer's `npm run stack`.
 */
export default async function globalSetup(): Promise<void> {
  const dataDir = path.join(defaultDataDir, 'test-stack');
  // A run that was killed may have left its services behind; their pid files find them.
  stopLeftovers(path.join(dataDir, 'logs'));
  fs.rmSync(dataDir, { recursive: true, force: true });
  const stack = await startLocalStack({
    dataDir,
    ports: {
      temporal: await findFreePort(),
      temporalUi: await findFreePort(),
      azurite: await findFreePort(),
      emulator: await findFreePort(),
    },
    pools: 'local:2:4,single:1:1',
    log: (line) => process.stderr.write(`[e2e stack] ${line}\n`),
  });
  process.env.TEMPORAL_ADDRESS = stack.temporalAddress;
  process.env.REMOTE_BATCH_TEST_UI_URL = stack.temporalUiUrl;
  process.env.REMOTE_BATCH_TEST_LOGS_DIR = stack.logsDir;
  (globalThis as { __remoteBatchStack?: { stop(): Promise<void> } }).__remoteBatchStack = stack;
}
