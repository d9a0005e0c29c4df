import { childTaskId } from '../../src/model/arrayJob';
import { listingCostInChildren, outputListingPrefixes } from '../../src/model/outputListing';

const range = (first: number, last: number) => Array.from({ length: last - first + 1 }, (_, i) => first + i);
const covers = (prefixes: string[], child: number) => prefixes.some((prefix) => childTaskId(child).startsWith(prefix));

describe('the blob listings that show just-completed children’s outputs', () => {
  it('lists nothing when no child completed', () => {
    expect(outputListingPrefixes([], () => false)).toEqual([]);
  });

  it('lists a block of 100 children that all completed just now by its prefix, once', () => {
    expect(outputListingPrefixes(range(200, 299), () => false)).toEqual(['100002']);
  });

  it('lists a whole shard whose 1,000 children all completed just now by the shard’s prefix', () => {
    expect(outputListingPrefixes(range(1000, 1999), () => false)).toEqual(['10001']);
  });

  it('lists only the ten-child block of a late child, not the hundred that completed before it', () => {
    const before = new Set(range(300, 399).filter((child) => child !== 357));
    expect(outputListingPrefixes([357], (child) => before.has(child))).toEqual(['1000035']);
  });

  it('lists a hundred-block whole when splitting it would cost more requests than the blobs it saves', () => {
    const now = range(400, 499).filter((child) => child % 10 !== 9);
    const before = new Set(range(400, 499).filter((child) => child % 10 === 9));
    // Ten listings of ten children each (with their one earlier child) against one listing of all hundred.
    expect(outputListingPrefixes(now, (child) => before.has(child))).toEqual(['100004']);
  });

  it('covers every child completed now, wherever they fall, and never lists a block without one', () => {
    let seed = 7;
    const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
    for (let round = 0; round < 20; round++) {
      const shard = Math.floor(random() * 5);
      const candidates = range(Math.max(1, shard * 1000), shard * 1000 + 999);
      const now = candidates.filter(() => random() < 0.05 + round / 40);
      const nowSet = new Set(now);
      const before = new Set(candidates.filter((child) => !nowSet.has(child) && random() < 0.5));
      const prefixes = outputListingPrefixes(now, (child) => before.has(child));
      for (const child of now) expect(covers(prefixes, child)).toBe(true);
      for (const prefix of prefixes) expect(now.some((child) => childTaskId(child).startsWith(prefix))).toBe(true);
      const listed = candidates.filter((child) => (nowSet.has(child) || before.has(child)) && covers(prefixes, child)).length;
      const wholeShard = listingCostInChildren + now.length + before.size;
      expect(prefixes.length * listingCostInChildren + listed).toBeLessThanOrEqual(wholeShard);
    }
  });
});
