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
 *
 * Listing blobs by prefix has the same flaw: Azurite asks for names matching
 * /^prefix/, which LokiJS tests on every blob stored, so each listing costs as
 * much as the store is large. A range of the name index that holds every name
 * starting with the prefix is put in front of that test; the test still runs,
 * on the range only.
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

const find = Loki.Resultset.prototype.find;
Loki.Resultset.prototype.find = function findPrefixByNameRange(query, firstOnly) {
  return find.call(this, this.filterInitialized ? query : withNameRange(this.collection, query), firstOnly);
};

/**
 * LokiJS orders its index numbers first (names that Number() reads as one, by
 * value), then other strings in JavaScript order. A string range can only
 * stand in for the prefix test among the latter, so it is used only when no
 * name reads as a number, and both its bounds are strings that do not.
 */
function withNameRange(collection, query) {
  if (!query || typeof query !== 'object' || Array.isArray(query)) return query;
  const condition = query.name;
  if (!condition || typeof condition !== 'object' || Object.keys(condition).length !== 1) return query;
  const prefix = literalPrefixOf(condition.$regex);
  if (!prefix || !collection.binaryIndices.name || hasNumericName(collection)) return query;
  const last = prefix.charCodeAt(prefix.length - 1);
  if (last === 0xffff) return query;
  const lower = readsAsNumber(prefix) ? `${prefix}\u0000` : prefix;
  // Above every name that starts with the prefix, and not a number: the next prefix, then a NUL.
  const upper = `${prefix.slice(0, -1)}${String.fromCharCode(last + 1)}\u0000`;
  const conditions = [{ name: { $between: [lower, upper] } }];
  for (const key of Object.keys(query)) conditions.push({ [key]: query[key] });
  return { $and: conditions };
}

/** The literal a `^…` pattern matches at the start of a name, when that is all it matches. */
function literalPrefixOf(pattern) {
  if (typeof pattern !== 'string' || !pattern.startsWith('^')) return undefined;
  let prefix = '';
  for (let i = 1; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const escaped = pattern[++i];
      if (escaped === undefined || /[0-9A-Za-z]/.test(escaped)) return undefined;
      prefix += escaped;
    } else if ('^$.*+?()[]{}|'.includes(char)) {
      return undefined;
    } else {
      prefix += char;
    }
  }
  return prefix || undefined;
}

function readsAsNumber(text) {
  return !Number.isNaN(Number(text));
}

/** Numbers sort first in the index, so its first name tells whether any name reads as one. */
function hasNumericName(collection) {
  collection.ensureIndex('name');
  const first = collection.binaryIndices.name.values[0];
  if (first === undefined) return false;
  const name = collection.data[first].name;
  return typeof name !== 'string' || name === '' || readsAsNumber(name);
}
