import fs from 'node:fs';
import path from 'node:path';
import { defaultDataDir } from '../../src/stack/config';
import { startLocalStack } from '../../src/stack/localStack';
import { findFreePort } from '../../src/stack/ports';

/** A fresh local stack for one benchmark scenario: its own data folder, free ports, one pool (2 nodes × 4 slots unless told). */
export async function startBenchStack(folder: string, pool: string, emulatorArgs: string[], size = { nodes: 2, slots: 4 }) {
  const dataDir = path.join(defaultDataDir, folder);
  fs.rmSync(dataDir, { recursive: true, force: true });
  return startLocalStack({
    dataDir,
    ports: { temporal: await findFreePort(), temporalUi: await findFreePort(), azurite: await findFreePort(), emulator: await findFreePort() },
    pools: `${pool}:${size.nodes}:${size.slots}`,
    metricsPort: await findFreePort(),
    emulatorArgs,
  });
}
