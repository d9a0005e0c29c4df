import type { ConnectionClients } from '../azure/connectionClients';
import { jobContainerName } from '../model/conventions';
import { readJsonBlob } from './jsonBlob';
import { restoreOutputsFromNode } from './outputVerification';

export interface UploadJobInputsInput {
  connection: string;
  jobId: string;
  /** Small inline files (the workflow input carries them); large ones were uploaded by the client. */
  files: { blob: string; content: string }[];
}

export function createStorageActivities(clients: ConnectionClients) {
  return {
    /** Creates the job's container (Batch File Conventions name) and uploads inline inputs. Idempotent. */
    async uploadJobInputs(input: UploadJobInputsInput): Promise<void> {
      const container = clients.get(input.connection).blobs.getContainerClient(jobContainerName(input.jobId));
      await container.createIfNotExists();
      await Promise.all(
        input.files.map((file) => container.getBlockBlobClient(file.blob).upload(file.content, Buffer.byteLength(file.content))),
      );
    },

    /** The error a script job's runner recorded (why it failed), kept short: it goes into workflow history. */
    async readEvaluationError(input: { connection: string; jobId: string; blob: string }): Promise<string | undefined> {
      const container = clients.get(input.connection).blobs.getContainerClient(jobContainerName(input.jobId));
      const error = ((await readJsonBlob(container, input.blob)) as { error?: unknown } | undefined)?.error;
      return typeof error === 'string' ? error.slice(0, 500) : undefined;
    },

    /**
     * Uploads again from the compute node the outputs of a completed task that
     * storage lost after acknowledging them; returns those that could not be
     * (the node no longer has them).
     */
    async restoreLostOutputs(input: { connection: string; jobId: string; taskId: string; blobs: string[] }): Promise<string[]> {
      const { batch, blobs } = clients.get(input.connection);
      const container = blobs.getContainerClient(jobContainerName(input.jobId));
      const missing: string[] = [];
      for (const blob of input.blobs) {
        if (await container.getBlobClient(blob).exists()) continue;
        if (!(await restoreOutputsFromNode(batch, container, input.jobId, input.taskId, [blob]))) missing.push(blob);
      }
      return missing;
    },

    async blobExists(input: { connection: string; jobId: string; blob: string }): Promise<boolean> {
      const container = clients.get(input.connection).blobs.getContainerClient(jobContainerName(input.jobId));
      return container.getBlobClient(input.blob).exists();
    },
  };
}

export type StorageActivities = ReturnType<typeof createStorageActivities>;
