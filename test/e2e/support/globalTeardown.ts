import { stopLeftovers } from '../../../src/stack/managedProcess';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __remoteBatchStack?: { stop(): Promise<void> } }).__remoteBatchStack?.stop();
  // A worker a test restarted (durability) is not the stack's own child: its pid file finds it.
  const logsDir = process.env.REMOTE_BATCH_TEST_LOGS_DIR;
  if (logsDir) stopLeftovers(logsDir);
}
