import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import { DefaultAzureCredential } from '@azure/identity';
import { BlobServiceClient, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { Connection } from '../connections/connection';
import { EntraBatchCredentials } from './entraBatchCredentials';

/** Configured official SDK clients for one connection. */
export interface AzureClients {
  batch: BatchServiceClient;
  blobs: BlobServiceClient;
  /** Present with key-based storage; signs SAS URLs for the tasks. */
  storageKey?: StorageSharedKeyCredential;
}

export function createAzureClients(connection: Connection): AzureClients {
  const batchCredentials = connection.batch.accountKey
    ? new BatchSharedKeyCredentials(connection.batch.accountName, connection.batch.accountKey)
    : new EntraBatchCredentials(new DefaultAzureCredential());
  const batch = new BatchServiceClient(batchCredentials, connection.batch.endpoint);

  if ('connectionString' in connection.storage) {
    const blobs = BlobServiceClient.fromConnectionString(connection.storage.connectionString);
    const storageKey = blobs.credential instanceof StorageSharedKeyCredential ? blobs.credential : undefined;
    return { batch, blobs, storageKey };
  }
  const { accountUrl, accountName, accountKey } = connection.storage;
  if (accountKey) {
    const storageKey = new StorageSharedKeyCredential(accountName, accountKey);
    return { batch, blobs: new BlobServiceClient(accountUrl, storageKey), storageKey };
  }
  return { batch, blobs: new BlobServiceClient(accountUrl, new DefaultAzureCredential()) };
}
