import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { defaultDataDir, repoRoot } from '../../../src/stack/config';
import { startLocalStack } from '../../../src/stack/localStack';
import { findFreePort } from '../../../src/stack/ports';
import { clearDeadRuns } from '../../support/testStacks';
import { chromiumProblemVariable } from './browser';

/**
 * One real stack (Temporal dev server, Azurite, the Batch emulator, the worker)
 * for the whole e2e run, on free ports and its own data folder, so it never
 * collides with a developer's `npm run stack`.
 */
export default async function globalSetup(): Promise<void> {
  const runsDir = path.join(defaultDataDir, 'test-stacks');
  clearDeadRuns(runsDir);
  const dataDir = path.join(runsDir, String(process.pid));
  // The browser test's Chromium; a machine where it cannot be installed fails that test alone, saying why.
  try {
    execFileSync(process.execPath, [path.join(repoRoot, 'scripts', 'ensure-chromium.js')], { stdio: ['ignore', 'inherit', 'pipe'] });
  } catch (error) {
    process.env[chromiumProblemVariable] = String((error as { stderr?: Buffer }).stderr ?? (error as Error).message).trim();
  }
  // The reconciler looks every few seconds here (minutes by default), so its tests end quickly.
  process.env.REMOTE_BATCH_RECONCILE_INTERVAL = '2s';
  process.env.REMOTE_BATCH_RECONCILE_GRACE_PERIOD = '8s';
  // The workers' notification secret named E2E (test/e2e/notifications.test.ts checks signatures with it).
  process.env.REMOTE_BATCH_NOTIFY_SECRET_E2E = 'e2e-notification-secret';
  const metricsPort = await findFreePort();
  const stack = await startLocalStack({
    dataDir,
    ports: {
      temporal: await findFreePort(),
      temporalUi: await findFreePort(),
      azurite: await findFreePort(),
      emulator: await findFreePort(),
    },
    metricsPort,
    pools: 'local:2:4,single:1:1',
    log: (line) => process.stderr.write(`[e2e stack] ${line}\n`),
  });
  process.env.TEMPORAL_ADDRESS = stack.temporalAddress;
  process.env.REMOTE_BATCH_TEST_UI_URL = stack.temporalUiUrl;
  process.env.REMOTE_BATCH_TEST_LOGS_DIR = stack.logsDir;
  // A suite that restarts the worker passes the same port, so the metrics endpoint survives it.
  process.env.REMOTE_BATCH_TEST_METRICS_PORT = String(metricsPort);
  process.env.REMOTE_BATCH_TEST_METRICS_URL = stack.metricsUrl;
  (globalThis as { __remoteBatchStack?: { stop(): Promise<void> } }).__remoteBatchStack = stack;
}
