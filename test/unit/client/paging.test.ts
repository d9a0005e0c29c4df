import { pagedIterator, type PageSettings } from '../../../src/client/paging';

/** A source of `total` numbered items served a page at a time, as Temporal's listing is, its token the next offset. */
function numbers(total: number, dropped: (n: number) => boolean = () => false) {
  const reads: PageSettings[] = [];
  const iterator = pagedIterator(async (settings) => {
    reads.push(settings);
    const from = Number(settings.continuationToken ?? 0);
    const size = settings.maxPageSize ?? 4;
    const to = Math.min(total, from + size);
    const items = Array.from({ length: to - from }, (_, i) => from + i).filter((n) => !dropped(n));
    return { items, continuationToken: to < total ? String(to) : undefined };
  });
  return { iterator, reads };
}

describe('paged listings, as Azure SDK clients page them', () => {
  it('iterates every item with for await, reading one page at a time as it goes', async () => {
    const { iterator, reads } = numbers(10);
    const seen: number[] = [];
    for await (const n of iterator) {
      seen.push(n);
      if (n === 2) expect(reads).toHaveLength(1);
    }
    expect(seen).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(reads).toHaveLength(3);
  });

  it('pages with byPage({ maxPageSize }), each page carrying the token of the next, and goes on from a token', async () => {
    const { iterator } = numbers(7);
    const pages: { items: number[]; token?: string }[] = [];
    for await (const page of iterator.byPage({ maxPageSize: 3 })) pages.push({ items: [...page], token: page.continuationToken });
    expect(pages).toEqual([
      { items: [0, 1, 2], token: '3' },
      { items: [3, 4, 5], token: '6' },
      { items: [6], token: undefined },
    ]);
    const rest = await numbers(7).iterator.byPage({ continuationToken: '3', maxPageSize: 3 }).next();
    expect([...(rest.value ?? [])]).toEqual([3, 4, 5]);
  });

  it('skips a page emptied by filtering instead of showing it, and shows an empty listing as one empty page', async () => {
    const { iterator } = numbers(9, (n) => n >= 3 && n < 6);
    const pages: number[][] = [];
    for await (const page of iterator.byPage({ maxPageSize: 3 })) pages.push([...page]);
    expect(pages).toEqual([
      [0, 1, 2],
      [6, 7, 8],
    ]);
    const empty: number[][] = [];
    for await (const page of numbers(0).iterator.byPage()) empty.push([...page]);
    expect(empty).toEqual([[]]);
  });
});
