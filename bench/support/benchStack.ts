import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../../src/stack/config';
import { type LocalStack, startLocalStack } from '../../src/stack/localStack';
import { findFreePort } from '../../src/stack/ports';

/** Starts tried before giving up: a free port can be taken by another process between finding it and binding it. */
const startAttempts = 3;

/** A fresh local stack for one benchmark scenario: its own data folder, free ports, one pool (2 nodes × 4 slots unless told). */
export async function startBenchStack(folder: string, pool: string, emulatorArgs: string[], size = { nodes: 2, slots: 4 }): Promise<LocalStack> {
  const dataDir = path.join(defaultDataDir, folder);
  for (let attempt = 1; ; attempt++) {
    fs.rmSync(dataDir, { recursive: true, force: true });
    try {
      return await startLocalStack({
        dataDir,
        ports: { temporal: await findFreePort(), temporalUi: await findFreePort(), azurite: await findFreePort(), emulator: await findFreePort() },
        pools: `${pool}:${size.nodes}:${size.slots}`,
        metricsPort: await findFreePort(),
        emulatorArgs,
      });
    } catch (error) {
      if (attempt >= startAttempts) throw error;
      console.log(`  stack did not start (${(error as Error).message.split('\n')[0]}); trying again on other ports`);
    }
  }
}
