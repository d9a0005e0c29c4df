// lokijs is Azurite's dependency and ships no types; only what this test touches is typed.
interface LokiCollection {
  insert(doc: object): object;
  findOne(query: object): object | null;
}
interface LokiModule {
  new (name: string, options: object): { addCollection(name: string, options: object): LokiCollection };
  Resultset: { prototype: { find(query: object, firstOnly?: boolean): unknown } };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Loki = require('lokijs') as LokiModule;

// The preload patches the lokijs module Azurite loads; here that is the same module as ours.
require('../../../scripts/azurite-indexed-lookups.js');

/** A blobs collection shaped like Azurite's. */
function blobsCollection(): LokiCollection {
  const db = new Loki('blobs.db', { persistenceMethod: 'memory' });
  return db.addCollection('$BLOBS_COLLECTION$', { indices: ['accountName', 'containerName', 'name', 'snapshot'] });
}

describe('Azurite blob lookups by name index', () => {
  it('finds the blob of the right container and snapshot, as the unpatched lookup would', () => {
    const blobs = blobsCollection();
    for (let i = 0; i < 500; i++) blobs.insert({ accountName: 'dev', containerName: `job-${i % 5}`, name: `task-${i}/stdout.txt`, snapshot: '' });
    blobs.insert({ accountName: 'dev', containerName: 'job-a', name: 'result.json', snapshot: '', body: 'a' });
    blobs.insert({ accountName: 'dev', containerName: 'job-b', name: 'result.json', snapshot: '', body: 'b' });
    blobs.insert({ accountName: 'dev', containerName: 'job-b', name: 'result.json', snapshot: '2026-11-25T00:00:00Z', body: 'b-old' });

    const find = (containerName: string, snapshot: string) =>
      blobs.findOne({ accountName: 'dev', containerName, name: 'result.json', snapshot }) as { body: string } | null;
    expect(find('job-a', '')?.body).toBe('a');
    expect(find('job-b', '')?.body).toBe('b');
    expect(find('job-b', '2026-11-25T00:00:00Z')?.body).toBe('b-old');
    expect(find('job-c', '')).toBeNull();
    expect(blobs.findOne({ accountName: 'dev', containerName: 'job-3', name: 'task-9/stdout.txt', snapshot: '' })).toBeNull();
    expect(blobs.findOne({ accountName: 'dev', containerName: 'job-3', name: 'task-3/stdout.txt', snapshot: '' })).not.toBeNull();
  });

  it('starts a lookup from the blob name, so it does not scan every blob of the account', () => {
    const blobs = blobsCollection();
    blobs.insert({ accountName: 'dev', containerName: 'job-a', name: 'stdout.txt', snapshot: '' });
    const find = jest.spyOn(Loki.Resultset.prototype, 'find');
    blobs.findOne({ accountName: 'dev', containerName: 'job-a', name: 'stdout.txt', snapshot: '' });
    expect(Object.keys(find.mock.calls[0][0] as object)[0]).toBe('name');
    find.mockRestore();
  });
});
