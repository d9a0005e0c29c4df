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
