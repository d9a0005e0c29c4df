import type { ContainerClient } from '@azure/storage-blob';
import { childOfTaskId, taskIdPrefixOfBlob } from '../model/arrayJob';
import type { ChildShard } from '../model/childShard';
import { resultFileName, taskOutputPath } from '../model/conventions';
import { mapWithConcurrency } from './concurrency';

const readConcurrency = 32;

/** Every child of the shard has ended (Succeeded or Failed): nothing it writes can change any more. */
export function shardSettled(shard: ChildShard): boolean {
  return !/[AR]/.test(shard.statuses);
}

/** A JSON blob's content; undefined when it is missing or not JSON. */
export async function readJsonBlob(container: ContainerClient, blob: string): Promise<unknown> {
  try {
    return JSON.parse((await container.getBlobClient(blob).downloadToBuffer()).toString('utf8'));
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404 || error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/**
 * Fills in the results (result.json) the shard's command children wrote: one
 * blob listing for the shard rather than a read per child, then a read per
 * result found. Returns how many it filled in.
 */
export async function gatherShardResults(container: ContainerClient, index: number, shard: ChildShard): Promise<number> {
  const written: string[] = [];
  for await (const blob of container.listBlobsFlat({ prefix: taskIdPrefixOfBlob(index) })) {
    if (blob.name === taskOutputPath(blob.name.split('/')[0], resultFileName)) written.push(blob.name);
  }
  const found = await mapWithConcurrency(written, readConcurrency, async (blob) => {
    const child = childOfTaskId(blob.split('/')[0]);
    if (child === undefined || child < shard.first || child >= shard.first + shard.statuses.length) return 0;
    if (shard.results[child - shard.first] !== null) return 0;
    shard.results[child - shard.first] = (await readJsonBlob(container, blob)) ?? null;
    return 1;
  });
  return found.reduce((sum: number, one) => sum + one, 0);
}
