export {}; // a module: its Loki types are its own, not merged with other tests

// lokijs is Azurite's dependency and ships no types; only what this test touches is typed.
interface LokiDb {
  addCollection(name: string): { insert(doc: object): object };
  close(callback?: (error?: Error) => void): void;
  autosaveDisable(): void;
}
type LokiModule = new (name: string, options: object) => LokiDb;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Loki = require('lokijs') as LokiModule;

// The preload patches the lokijs module Azurite loads; here that is the same module as ours.
require('../../../scripts/azurite-paced-saves.js');

/** A Loki adapter whose every save takes `saveMs` of (fake) time, counting the saves it was asked for. */
function slowAdapter(saveMs: number) {
  const saved: string[] = [];
  return {
    saved,
    saveDatabase(_name: string, text: string, callback: (error?: Error) => void) {
      jest.setSystemTime(Date.now() + saveMs);
      saved.push(text);
      callback();
    },
    loadDatabase(_name: string, callback: (text: string | null) => void) {
      callback(null);
    },
  };
}

describe('Azurite metadata saves paced by their cost', () => {
  beforeEach(() => jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') }));
  afterEach(() => jest.useRealTimers());

  it('saves a cheap database every 5 s, as Azurite does', () => {
    const adapter = slowAdapter(10);
    const db = new Loki('blobs.db', { adapter, autosave: true, autosaveInterval: 5000 });
    const blobs = db.addCollection('blobs');
    for (let tick = 1; tick <= 4; tick++) {
      blobs.insert({ name: `blob-${tick}` });
      jest.advanceTimersByTime(5000);
    }
    expect(adapter.saved).toHaveLength(4);
    db.autosaveDisable();
  });

  it('waits ten times a costly save before the next periodic one, and still saves everything on close', () => {
    const adapter = slowAdapter(2000);
    const db = new Loki('blobs.db', { adapter, autosave: true, autosaveInterval: 5000 });
    const blobs = db.addCollection('blobs');
    blobs.insert({ name: 'first' });
    jest.advanceTimersByTime(5000);
    expect(adapter.saved).toHaveLength(1);

    // The save took 2 s: nothing periodic until 20 s after it ended, though the database is dirty all along.
    for (let second = 0; second < 15; second += 5) {
      blobs.insert({ name: `during-${second}` });
      jest.advanceTimersByTime(5000);
    }
    expect(adapter.saved).toHaveLength(1);
    jest.advanceTimersByTime(10_000);
    expect(adapter.saved).toHaveLength(2);

    blobs.insert({ name: 'last' });
    const closed = jest.fn();
    db.close(closed);
    expect(adapter.saved).toHaveLength(3);
    expect(adapter.saved[2]).toContain('"last"');
    jest.advanceTimersByTime(1); // Loki hands a save's callbacks over on a timer
    expect(closed).toHaveBeenCalled();
  });
});
