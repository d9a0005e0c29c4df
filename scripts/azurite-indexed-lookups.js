'use strict';
/**
 * Preloaded into Azurite (node --require). Azurite looks a blob up with
 * findOne({ accountName, containerName, name, snapshot }); LokiJS answers such a
 * query from the index of its first key only, and every blob shares the account
 * name, so each lookup scans the whole collection and Put Blob slows linearly
 * with the number of blobs stored (≈ 500/s at 10,000 blobs, ≈ 40/s at 46,000).
 *
 * Moving the most selective indexed key (blob name, then name) to the front
 * makes LokiJS start from that key's binary index. The matching document is the
 * same: an equality on every key is met by the same documents in any order.
 */
const path = require('node:path');

const azuriteMain = process.argv[1];
const Loki = require(require.resolve('lokijs', { paths: [path.dirname(azuriteMain)] }));
const selectiveKeys = ['blobName', 'name'];

const findOne = Loki.Collection.prototype.findOne;
Loki.Collection.prototype.findOne = function findOneBySelectiveIndex(query) {
  return findOne.call(this, reordered(this, query));
};

function reordered(collection, query) {
  if (!query || typeof query !== 'object' || Array.isArray(query)) return query;
  const keys = Object.keys(query);
  if (keys.length < 2) return query;
  const first = selectiveKeys.find((key) => keys.includes(key) && collection.binaryIndices[key] && isPlainValue(query[key]));
  if (!first || keys[0] === first) return query;
  const result = { [first]: query[first] };
  for (const key of keys) if (key !== first) result[key] = query[key];
  return result;
}

function isPlainValue(value) {
  return value === null || typeof value !== 'object';
}
