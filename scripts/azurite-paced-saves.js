'use strict';
/**
 * Preloaded into Azurite (node --require). Azurite keeps its blob and extent
 * metadata in LokiJS databases that it saves whole, as one JSON document, every
 * 5 seconds while anything changed. The save costs time in proportion to the
 * blobs stored: at 200,000 blobs (a 100,000-child array's logs) one save took
 * 3 s, 2 of them serializing on Azurite's only thread: 60% of a core.
 *
 * This keeps the 5 s interval for small databases and paces the periodic save
 * for large ones: the next one comes no sooner than `savePace` times the last
 * save's duration after it ended, and no later than `maxGapMs` — so saving
 * costs at most about a tenth of a core. Explicit saves (Azurite's start and
 * graceful shutdown) are untouched, so a stopped Azurite keeps everything; a
 * killed one loses what changed since its last save, as before, within
 * `maxGapMs` instead of 5 s.
 */
const path = require('node:path');

const azuriteMain = process.argv[1];
const Loki = require(require.resolve('lokijs', { paths: [path.dirname(azuriteMain)] }));
const savePace = 10;
const maxGapMs = 30_000;
const pacing = Symbol('remote-batch save pacing');

const saveDatabase = Loki.prototype.saveDatabase;
Loki.prototype.saveDatabase = function pacedSaveDatabase(callback) {
  const startedAt = Date.now();
  return saveDatabase.call(this, (error) => {
    const endedAt = Date.now();
    this[pacing] = { nextAt: endedAt + Math.min(maxGapMs, savePace * (endedAt - startedAt)) };
    if (typeof callback === 'function') callback(error);
  });
};
// Loki.prototype.save is the same method under another name.
Loki.prototype.save = Loki.prototype.saveDatabase;

// Loki's own timer, with the pacing: close() still saves whatever is dirty, at once.
Loki.prototype.autosaveEnable = function pacedAutosaveEnable(_options, callback) {
  this.autosave = true;
  const delay = this.autosaveInterval ?? 5000;
  this.autosaveHandle = setInterval(() => {
    const due = Date.now() >= (this[pacing]?.nextAt ?? 0);
    if (due && this.autosaveDirty() && !this.ignoreAutosave) this.saveDatabase(callback);
  }, delay);
};
