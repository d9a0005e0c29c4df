import type { ContainerClient } from '@azure/storage-blob';
import { blobCount, childrenOfBlob, childShardBlob } from '../model/arrayJob';
import { type ChildShard, emptyShard } from '../model/childShard';

/** Blob metadata on a shard whose command children's results were all gathered; any later write without it clears it. */
const resultsGatheredMetadata = { resultsgathered: 'true' };

/** Child-state shards of one array job in its blob container. */
export class ChildShardStore {
  constructor(private readonly container: ContainerClient, private readonly childCount: number) {}

  get shardCount(): number {
    return blobCount(this.childCount);
  }

  async read(index: number): Promise<ChildShard> {
    try {
      const text = (await this.container.getBlobClient(childShardBlob(index)).downloadToBuffer()).toString('utf8');
      return JSON.parse(text) as ChildShard;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode !== 404) throw error;
      const { first, last } = childrenOfBlob(index, this.childCount);
      return emptyShard(first, last - first + 1);
    }
  }

  /** `resultsGathered`: every child of the shard has ended and the results its children wrote are in it. */
  async write(index: number, shard: ChildShard, options: { resultsGathered?: boolean } = {}): Promise<void> {
    const text = JSON.stringify(shard);
    await this.container
      .getBlockBlobClient(childShardBlob(index))
      .upload(text, Buffer.byteLength(text), options.resultsGathered ? { metadata: resultsGatheredMetadata } : {});
  }

  /** Whether the shard's last write said its results were gathered (see write). */
  async resultsGathered(index: number): Promise<boolean> {
    try {
      const { metadata } = await this.container.getBlobClient(childShardBlob(index)).getProperties();
      return metadata?.resultsgathered === resultsGatheredMetadata.resultsgathered;
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404) return false;
      throw error;
    }
  }
}
