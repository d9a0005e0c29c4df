/**
 * Azurite's Put Blob rate as the blobs stored grow, with and without
 * scripts/azurite-indexed-lookups.js preloaded, one after the other in this script.
 *
 *   npx tsx bench/azurite/bench.ts [--blobs 40000] [--lanes 8]
 *
 * Each Azurite keeps its data on disk in a fresh folder, as the local stack does.
 */
import { BlobServiceClient } from '@azure/storage-blob';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultDataDir } from '../../src/stack/config';
import { startAzurite } from '../../src/stack/azurite';
import { findFreePort } from '../../src/stack/ports';

const { values } = parseArgs({ options: { blobs: { type: 'string', default: '40000' }, lanes: { type: 'string', default: '8' } } });
const totalBlobs = Number(values.blobs);
const lanes = Number(values.lanes);
const step = 5_000;

/** Uploads blobs in steps and returns the rate (blobs/s) of each step. */
async function measure(indexedLookups: boolean): Promise<number[]> {
  const dataDir = path.join(defaultDataDir, 'bench-azurite', indexedLookups ? 'indexed' : 'stock');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const azurite = await startAzurite({ port: await findFreePort(), dataDir, logFile: `${dataDir}.log`, indexedLookups });
  try {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('bench');
    await container.create();
    const rates: number[] = [];
    let next = 0;
    for (let stored = 0; stored < totalBlobs; stored += step) {
      const started = Date.now();
      const end = stored + step;
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (next < end) await container.getBlockBlobClient(`task-${next++}/stdout.txt`).uploadData(Buffer.from('trivial child\n'));
        }),
      );
      rates.push(step / ((Date.now() - started) / 1000));
      console.log(`  ${indexedLookups ? 'indexed' : 'stock  '} ${end} blobs: ${rates.at(-1)!.toFixed(0)} Put Blob/s`);
    }
    return rates;
  } finally {
    await azurite.stop();
  }
}

async function main(): Promise<void> {
  console.log(`${totalBlobs} small blobs into one container, ${lanes} uploads at a time`);
  const stock = await measure(false);
  const indexed = await measure(true);
  console.log('\nblobs stored | stock Azurite | with indexed lookups | ratio');
  stock.forEach((rate, i) => console.log(`${(i + 1) * step} | ${rate.toFixed(0)}/s | ${indexed[i].toFixed(0)}/s | ${(indexed[i] / rate).toFixed(1)}×`));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
