import type { BatchServiceClient } from '@azure/batch';
import type { ContainerClient } from '@azure/storage-blob';
import { batchErrorCode } from '../activities/batchErrors';

async function streamToString(stream: NodeJS.ReadableStream | undefined): Promise<string> {
  if (!stream) return '';
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A blob's text, or undefined when there is no such blob. */
export async function readBlobText(container: ContainerClient, blob: string): Promise<string | undefined> {
  try {
    const response = await container.getBlobClient(blob).download();
    return await streamToString(response.readableStreamBody);
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}

/** A task file's text from the compute node, or undefined when it is not there (yet). */
export async function readTaskFileText(batch: BatchServiceClient, jobId: string, taskId: string, file: string): Promise<string | undefined> {
  try {
    const response = await batch.file.getFromTask(jobId, taskId, file);
    return await streamToString(response.readableStreamBody);
  } catch (error) {
    const code = batchErrorCode(error);
    if (code === 'FileNotFound' || code === 'TaskNotFound' || (error as { statusCode?: number }).statusCode === 404) return undefined;
    throw error;
  }
}
