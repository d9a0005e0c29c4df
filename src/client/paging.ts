/** How a listing is paged, as `ContainerClient.listBlobsFlat().byPage(…)` takes it. */
export interface PageSettings {
  /** Where to go on: a page's `continuationToken` (an opaque string); from the start when absent. */
  continuationToken?: string;
  /** At most this many items per page (a page may hold fewer and still not be the last). */
  maxPageSize?: number;
}

/** A page of items and the token of the next one (absent on the last page). */
export type ContinuablePage<T> = T[] & { continuationToken?: string };

/** Azure SDK's PagedAsyncIterableIterator: `for await` over the items, or `byPage()` over pages. */
export interface PagedAsyncIterableIterator<T> {
  next(): Promise<IteratorResult<T>>;
  [Symbol.asyncIterator](): PagedAsyncIterableIterator<T>;
  byPage(settings?: PageSettings): AsyncIterableIterator<ContinuablePage<T>>;
}

/** One page from the source: its items and the token of the next page, if any. */
export type PageReader<T> = (settings: PageSettings) => Promise<{ items: T[]; continuationToken?: string }>;

/**
 * A paged iterator over a source that reads one page at a time. A page that
 * comes back empty with a token (everything on it was filtered out) is not
 * shown: the next one is read instead.
 */
export function pagedIterator<T>(readPage: PageReader<T>): PagedAsyncIterableIterator<T> {
  async function* pages(settings: PageSettings = {}): AsyncIterableIterator<ContinuablePage<T>> {
    let token = settings.continuationToken;
    do {
      const { items, continuationToken } = await readPage({ continuationToken: token, maxPageSize: settings.maxPageSize });
      token = continuationToken;
      if (items.length > 0 || token === undefined) yield Object.assign(items, { continuationToken: token });
    } while (token !== undefined);
  }
  async function* all(): AsyncIterableIterator<T> {
    for await (const page of pages()) yield* page;
  }
  const items = all();
  const iterator: PagedAsyncIterableIterator<T> = {
    next: () => items.next(),
    [Symbol.asyncIterator]: () => iterator,
    byPage: (settings) => pages(settings),
  };
  return iterator;
}
