import { childTaskId } from './arrayJob';

/**
 * What one listing request weighs against the blobs it returns, counted in
 * children's outputs (a child leaves two or three blobs): parsing a listed
 * blob's XML costs the worker and storage about a quarter of a request each.
 */
export const listingCostInChildren = 4;

/** Digits dropped from a task id for a prefix of 10, 100 and 1,000 children (a shard's own prefix). */
const prefixLevels = [1, 2, 3];

interface Cover {
  cost: number;
  prefixes: string[];
}

/**
 * Task-id prefixes whose blob listings together show the outputs of every
 * child in `completed`, at the least cost. Children complete at different
 * times, so a block of children is often listed again for its later ones: a
 * listing by a prefix costs one request plus the blobs of every child under it
 * that has any (those completed now, and those `hasOutputs` says completed
 * before), and a block is listed whole or split into its smaller blocks,
 * whichever costs less.
 */
export function outputListingPrefixes(completed: readonly number[], hasOutputs: (child: number) => boolean): string[] {
  const now = new Set(completed);
  const withOutputs = (child: number) => now.has(child) || hasOutputs(child);
  const byBlock = (children: Iterable<number>, size: number) => {
    const blocks = new Map<number, number[]>();
    for (const child of children) {
      const block = Math.floor(child / size);
      const members = blocks.get(block);
      if (members) members.push(child);
      else blocks.set(block, [child]);
    }
    return [...blocks].sort(([a], [b]) => a - b);
  };

  /** The cheaper of listing the block whole and listing its smaller blocks that hold children completed now. */
  const cover = (level: number, block: number, children: number[]): Cover => {
    const digits = prefixLevels[level]!;
    const size = 10 ** digits;
    let listed = 0;
    for (let child = Math.max(1, block * size); child < (block + 1) * size; child++) if (withOutputs(child)) listed++;
    const whole: Cover = { cost: listingCostInChildren + listed, prefixes: [childTaskId(block * size).slice(0, -digits)] };
    if (level === 0) return whole;
    const parts = byBlock(children, 10 ** prefixLevels[level - 1]!).map(([sub, inSub]) => cover(level - 1, sub, inSub));
    const split = parts.reduce((sum, part) => sum + part.cost, 0);
    // On a tie the narrower listings win: they cannot meet anything but these children's blobs.
    return split <= whole.cost ? { cost: split, prefixes: parts.flatMap((part) => part.prefixes) } : whole;
  };

  const top = prefixLevels.length - 1;
  return byBlock(now, 10 ** prefixLevels[top]!).flatMap(([block, children]) => cover(top, block, children).prefixes);
}
