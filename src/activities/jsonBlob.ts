import type { ContainerClient } from '@azure/storage-blob';

const missing = Symbol('missing');

/** A JSON blob's content, undefined when it is not JSON; `missing` when there is no such blob. */
async function downloadJson(container: ContainerClient, blob: string): Promise<unknown> {
  try {
    return JSON.parse((await container.getBlobClient(blob).downloadToBuffer()).toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    if ((error as { statusCode?: number }).statusCode === 404) return missing;
    throw error;
  }
}

/** A JSON blob's content; undefined when it is missing or not JSON. */
export async function readJsonBlob(container: ContainerClient, blob: string): Promise<unknown> {
  const content = await downloadJson(container, blob);
  return content === missing ? undefined : content;
}

/**
 * A JSON blob a listing showed a moment ago; undefined when it is not JSON.
 * Missing now, storage lost it since (Azurite restarted): what was checked
 * against that listing no longer holds, so the caller's activity fails and
 * its retry starts over from a fresh listing.
 */
export async function readListedJsonBlob(container: ContainerClient, blob: string): Promise<unknown> {
  const content = await downloadJson(container, blob);
  if (content === missing) throw new Error(`Blob '${blob}' was listed a moment ago and is gone now: storage lost writes; starting over`);
  return content;
}
