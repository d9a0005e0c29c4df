import type { BlobServiceClient } from '@azure/storage-blob';
import { pendingUploadMetadata } from '../model/reconciliation';
import { JobStorage } from './jobStorage';
import type { SasSigner } from './sas';

/** A client upload whose workflow has not (yet) said it started. */
export interface PendingUpload {
  container: string;
  workflowId: string;
  uploadedAt: string;
}

/** The storage account of a connection: one JobStorage per job, and what spans jobs. */
export class StorageGateway {
  constructor(private readonly blobs: BlobServiceClient, private readonly sas: SasSigner) {}

  get url(): string {
    return this.blobs.url;
  }

  job(jobId: string): JobStorage {
    return new JobStorage((name) => this.blobs.getContainerClient(name), this.sas, jobId);
  }

  /** One page of the account's containers: that the account answers, with these credentials. */
  async check(abortSignal?: AbortSignal): Promise<void> {
    await this.blobs.listContainers({ abortSignal }).byPage({ maxPageSize: 1 }).next();
  }

  /** Job containers still marked as a pending client upload. */
  async *pendingUploads(): AsyncGenerator<PendingUpload> {
    for await (const container of this.blobs.listContainers({ prefix: 'job-', includeMetadata: true })) {
      const uploadedAt = container.metadata?.[pendingUploadMetadata.uploadedAt];
      const workflowId = container.metadata?.[pendingUploadMetadata.workflowId];
      if (uploadedAt && workflowId) yield { container: container.name, workflowId, uploadedAt };
    }
  }

  /** Clears a container's pending mark: its workflow did start. */
  async markStarted(container: string, workflowId: string): Promise<void> {
    await this.blobs.getContainerClient(container).setMetadata({ [pendingUploadMetadata.workflowId]: workflowId });
  }

  async deleteContainer(container: string): Promise<void> {
    await this.blobs.getContainerClient(container).deleteIfExists();
  }
}
