// lokijs is Azurite's dependency and ships no types; only what this test touches is typed.
interface LokiCollection {
  insert(doc: object): object;
  findOne(query: object): object | null;
  chain(): { find(query: object): { data(): { name: string }[] } };
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

  /** Azurite's listing query: names matching ^prefix (escaped as Azurite escapes it), in one container. */
  const listByPrefix = (blobs: LokiCollection, containerName: string, prefix: string): string[] =>
    blobs
      .chain()
      .find({ name: { $regex: `^${prefix.replace(/[-/\\^$*+?.()|[\]{}]/g, '\\$&')}` }, accountName: 'dev', containerName })
      .data()
      .map((doc) => doc.name)
      .sort();

  const prefixes = ['1000047', '10000471/', '10000471/$TaskLog/', '100', '1', '2', 'a', 'a.', 'a-b', 'b', 'zz', 'job output/'];

  it.each([
    ['no name reads as a number', []],
    ['some names read as numbers', ['10000471', '1e3', '0x10']],
  ])('lists by prefix exactly what the prefix test alone finds when %s', (_case, numericNames) => {
    const blobs = blobsCollection();
    const names = [...numericNames, 'a', 'ab', 'a.b', 'a-b/c', 'b/x', '10000471x', 'zz\uffff', 'job output/x.txt'];
    for (let task = 10000401; task < 10000601; task++) names.push(`${task}/$TaskLog/stdout.txt`, `${task}/$TaskLog/stderr.txt`, `${task}/$TaskOutput/result.json`);
    names.forEach((name, i) => blobs.insert({ accountName: 'dev', containerName: i % 3 === 0 ? 'job-b' : 'job-a', name, snapshot: '' }));
    for (const prefix of prefixes) {
      const expected = names.filter((name, i) => i % 3 !== 0 && name.startsWith(prefix)).sort();
      expect({ prefix, names: listByPrefix(blobs, 'job-a', prefix) }).toEqual({ prefix, names: expected });
    }
  });

  it('starts a prefix listing from a range of the name index, not a test of every blob', () => {
    const blobs = blobsCollection();
    for (let task = 10000401; task < 10000501; task++) blobs.insert({ accountName: 'dev', containerName: 'job-a', name: `${task}/$TaskLog/stdout.txt`, snapshot: '' });
    const find = jest.spyOn(Loki.Resultset.prototype, 'find');
    expect(listByPrefix(blobs, 'job-a', '1000042')).toHaveLength(10);
    // The first condition applied to the whole collection is the index range; the prefix test follows on what it found.
    const applied = find.mock.calls.map(([query]) => query as { name?: { $between?: string[]; $regex?: string } }).filter((query) => query.name && Object.keys(query).length === 1);
    expect(applied.map((query) => Object.keys(query.name!)[0])).toEqual(['$between', '$regex']);
    expect(applied[0].name!.$between).toEqual(['1000042\u0000', '1000043\u0000']);
    find.mockRestore();
  });
});

