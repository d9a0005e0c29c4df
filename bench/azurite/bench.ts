/**
 * Azurite's Put Blob rate, and its rate of listings by prefix (a hundred tasks'
 * outputs, as an array's progress poll lists them), as the blobs stored grow,
 * with and without scripts/azurite-indexed-lookups.js preloaded, one after the
 * other in this script.
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

const listingsPerStep = 40;

/** Uploads blobs in steps and returns the rates of each step: Put Blob/s, and listings/s once the step is stored. */
async function measure(indexedLookups: boolean): Promise<{ puts: number; listings: number }[]> {
  const dataDir = path.join(defaultDataDir, 'bench-azurite', indexedLookups ? 'indexed' : 'stock');
  fs.rmSync(dataDir, { recursive: true, force: true });
  const azurite = await startAzurite({ port: await findFreePort(), dataDir, logFile: `${dataDir}.log`, indexedLookups });
  try {
    const container = BlobServiceClient.fromConnectionString(azurite.connectionString).getContainerClient('bench');
    await container.create();
    const rates: { puts: number; listings: number }[] = [];
    let next = 0;
    for (let stored = 0; stored < totalBlobs; stored += step) {
      const started = Date.now();
      const end = stored + step;
      await Promise.all(
        Array.from({ length: lanes }, async () => {
          while (next < end) await container.getBlockBlobClient(`task-${next++}/stdout.txt`).uploadData(Buffer.from('trivial child\n'));
        }),
      );
      const puts = step / ((Date.now() - started) / 1000);
      const listingStarted = Date.now();
      // With `end` blobs stored, `task-k` for k of as many digits as end/100 - 1 names 111 blobs
      // (task-k, task-k0 … task-k9, task-k00 … task-k99): about the hundred tasks of one poll's listing.
      const highest = end / 100 - 1;
      const lowest = 10 ** (String(highest).length - 1);
      for (let i = 0; i < listingsPerStep; i++) {
        const prefix = `task-${lowest + ((i * 7919) % (highest - lowest + 1))}`;
        for await (const blob of container.listBlobsFlat({ prefix })) void blob;
      }
      const listings = listingsPerStep / ((Date.now() - listingStarted) / 1000);
      rates.push({ puts, listings });
      console.log(`  ${indexedLookups ? 'indexed' : 'stock  '} ${end} blobs: ${puts.toFixed(0)} Put Blob/s, ${listings.toFixed(0)} listings/s`);
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
  console.log('\nblobs stored | Put Blob: stock | indexed | ratio | listings by prefix: stock | indexed | ratio');
  stock.forEach((rate, i) => {
    const other = indexed[i];
    console.log(
      `${(i + 1) * step} | ${rate.puts.toFixed(0)}/s | ${other.puts.toFixed(0)}/s | ${(other.puts / rate.puts).toFixed(1)}× | ` +
        `${rate.listings.toFixed(0)}/s | ${other.listings.toFixed(0)}/s | ${(other.listings / rate.listings).toFixed(1)}×`,
    );
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
