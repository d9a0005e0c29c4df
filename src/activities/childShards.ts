import type { ContainerClient } from '@azure/storage-blob';
import { blobCount, childrenOfBlob, childShardBlob } from '../model/arrayJob';
import { type ChildShard, emptyShard } from '../model/childShard';

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

  async write(index: number, shard: ChildShard): Promise<void> {
    const text = JSON.stringify(shard);
    await this.container.getBlockBlobClient(childShardBlob(index)).upload(text, Buffer.byteLength(text));
  }
}
