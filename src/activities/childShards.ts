import type { ContainerClient } from '@azure/storage-blob';
import { blobCount, blobIndexOfChild, childrenOfBlob, childShardBlob } from '../model/arrayJob';
import { type ChildShard, emptyShard } from '../model/childShard';
import { mapWithConcurrency } from './concurrency';

/**
 * Blob metadata on a shard that holds every command result its children
 * wrote so far: each read as its child completed, or from a listing of them
 * all. A write that does not say so (an abort, a retry, a worker from before)
 * replaces the metadata and so clears it; a gather then lists them all again.
 */
const resultsCurrentMetadata = { resultscurrent: 'true' };

/** Child-state shards of one array job in its blob container. */
export class ChildShardStore {
  constructor(private readonly container: ContainerClient, private readonly childCount: number) {}

  get shardCount(): number {
    return blobCount(this.childCount);
  }

  /** Every shard of the array: those in `known` as they are, the others read (each read reported to `onRead`). */
  async readAll(known: readonly ChildShard[], onRead: (index: number) => void = () => undefined): Promise<ChildShard[]> {
    const byIndex = new Map(known.map((shard) => [blobIndexOfChild(shard.first), shard]));
    const indexes = Array.from({ length: this.shardCount }, (_, index) => index);
    return mapWithConcurrency(indexes, 8, async (index) => {
      onRead(index);
      return byIndex.get(index) ?? (await this.read(index));
    });
  }

  async read(index: number): Promise<ChildShard> {
    return (await this.readWithFlags(index)).shard;
  }

  /** The shard, and whether its results are current (see resultsCurrentMetadata); a shard not written yet has none to miss. */
  async readWithFlags(index: number): Promise<{ shard: ChildShard; resultsCurrent: boolean }> {
    try {
      const response = await this.container.getBlobClient(childShardBlob(index)).download();
      const chunks: Buffer[] = [];
      for await (const chunk of response.readableStreamBody ?? []) chunks.push(Buffer.from(chunk as Buffer));
      return {
        shard: JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChildShard,
        resultsCurrent: response.metadata?.resultscurrent === resultsCurrentMetadata.resultscurrent,
      };
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      const { first, last } = childrenOfBlob(index, this.childCount);
      return { shard: emptyShard(first, last - first + 1), resultsCurrent: true };
    }
  }

  async write(index: number, shard: ChildShard, options: { resultsCurrent?: boolean } = {}): Promise<void> {
    const text = JSON.stringify(shard);
    await this.container
      .getBlockBlobClient(childShardBlob(index))
      .upload(text, Buffer.byteLength(text), options.resultsCurrent ? { metadata: resultsCurrentMetadata } : {});
  }
}
