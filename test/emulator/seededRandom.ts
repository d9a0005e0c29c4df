/** A small xorshift generator, so a fuzz run is the same on every machine for a given seed. */
export function seededRandom(initialSeed: number): { random: () => number; pick: <T>(items: readonly T[]) => T } {
  let seed = initialSeed;
  const random = (): number => {
    seed ^= seed << 13;
    seed ^= seed >>> 17;
    seed ^= seed << 5;
    return (seed >>> 0) / 2 ** 32;
  };
  return { random, pick: <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] };
}
