/**
 * The query behind Azurite's listing by prefix, alone, in this process: LokiJS
 * with the blob names a 100,000-child array leaves (three per child), stock and
 * then with scripts/azurite-indexed-lookups.js loaded, on the same collection.
 *
 *   npx tsx bench/azurite/listingQuery.ts [--children 100000] [--listings 200]
 *
 * Each listing asks, as Azurite does, for the names matching ^<prefix> in one
 * container, for a prefix that names a hundred children (what an array's
 * progress poll lists), sorted by name.
 */
import { parseArgs } from 'node:util';

interface Blobs {
  insert(doc: object): object;
  chain(): { find(query: object): { simplesort(key: string): { data(): { name: string }[] } } };
}
interface LokiModule {
  new (name: string, options: object): { addCollection(name: string, options: object): Blobs };
}

const { values } = parseArgs({ options: { children: { type: 'string', default: '100000' }, listings: { type: 'string', default: '200' } } });
const children = Number(values.children);
const listings = Number(values.listings);
const firstTask = 10_000_001;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const Loki = require('lokijs') as LokiModule;
const blobs = new Loki('bench.db', { persistenceMethod: 'memory' }).addCollection('$BLOBS_COLLECTION$', {
  indices: ['accountName', 'containerName', 'name', 'snapshot'],
});
for (let child = 0; child < children; child++) {
  const task = firstTask + child;
  for (const file of ['$TaskLog/stdout.txt', '$TaskLog/stderr.txt', '$TaskOutput/result.json']) {
    blobs.insert({ accountName: 'devstoreaccount1', containerName: 'job', name: `${task}/${file}`, snapshot: '' });
  }
}

/** Milliseconds per listing, and the names the last one found. */
function measure(): { ms: number; found: number } {
  let found = 0;
  const started = performance.now();
  for (let i = 0; i < listings; i++) {
    // Task ids 10000100 … 10000199 share the prefix 100001.
    const prefix = String(Math.floor((firstTask + ((i * 7919) % children)) / 100));
    found = blobs.chain().find({ name: { $regex: `^${prefix}` }, accountName: 'devstoreaccount1', containerName: 'job' }).simplesort('name').data().length;
  }
  return { ms: (performance.now() - started) / listings, found };
}

const stock = measure();
// eslint-disable-next-line @typescript-eslint/no-require-imports
require('../../scripts/azurite-indexed-lookups.js');
const indexed = measure();
console.log(`${children * 3} blob names, ${listings} listings of a hundred children's outputs each`);
console.log(`stock LokiJS: ${stock.ms.toFixed(2)} ms a listing (${stock.found} names)`);
console.log(`with the preload: ${indexed.ms.toFixed(2)} ms a listing (${indexed.found} names)`);
console.log(`ratio: ${(stock.ms / indexed.ms).toFixed(1)}×`);
