import type { ContainerClient } from '@azure/storage-blob';

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
 * A JSON blob a listing showed a moment ago; undefined when it is not JSON.
 * Missing now, storage lost it since (Azurite restarted): what was checked
 * against that listing no longer holds, so the caller's activity fails and
 * its retry starts over from a fresh listing.
 */
export async function readListedJsonBlob(container: ContainerClient, blob: string): Promise<unknown> {
  try {
    return JSON.parse((await container.getBlobClient(blob).downloadToBuffer()).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    if ((error as { statusCode?: number }).statusCode === 404) throw new Error(`Blob '${blob}' was listed a moment ago and is gone now: storage lost writes; starting over`);
    throw error;
  }
}
