import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import { DefaultAzureCredential } from '@azure/identity';
import { AnonymousCredential, BlobServiceClient, newPipeline, StorageSharedKeyCredential } from '@azure/storage-blob';
import type { TokenCredential } from '@azure/identity';
import type { Connection } from '../connections/connection';
import { azureRequestMetrics } from '../telemetry/azureRequestMetrics';
import { contentLengthPolicy } from './contentLengthPolicy';
import { EntraBatchCredentials } from './entraBatchCredentials';
import { transientRetryPolicy } from './transientRetryPolicy';

/** Configured official SDK clients for one connection. */
export interface AzureClients {
  batch: BatchServiceClient;
  blobs: BlobServiceClient;
  /** Present with key-based storage; signs SAS URLs for the tasks. */
  storageKey?: StorageSharedKeyCredential;
}

/** A blob client whose every call is measured (see src/telemetry). */
function measuredBlobClient(url: string, credential: StorageSharedKeyCredential | AnonymousCredential | TokenCredential): BlobServiceClient {
  const pipeline = newPipeline(credential);
  pipeline.factories.push(azureRequestMetrics('storage'));
  return new BlobServiceClient(url, pipeline);
}

export function createAzureClients(connection: Connection): AzureClients {
  const batchCredentials = connection.batch.accountKey
    ? new BatchSharedKeyCredentials(connection.batch.accountName, connection.batch.accountKey)
    : new EntraBatchCredentials(new DefaultAzureCredential());
  // Our own retry in place of the SDK's (see transientRetryPolicy); each try is measured.
  const batch = new BatchServiceClient(batchCredentials, connection.batch.endpoint, {
    noRetryPolicy: true,
    requestPolicyFactories: (defaults) => [transientRetryPolicy(), azureRequestMetrics('batch'), contentLengthPolicy(), ...defaults],
  });

  if ('connectionString' in connection.storage) {
    const parsed = BlobServiceClient.fromConnectionString(connection.storage.connectionString);
    const storageKey = parsed.credential instanceof StorageSharedKeyCredential ? parsed.credential : undefined;
    return { batch, blobs: measuredBlobClient(parsed.url, parsed.credential), storageKey };
  }
  const { accountUrl, accountName, accountKey } = connection.storage;
  if (accountKey) {
    const storageKey = new StorageSharedKeyCredential(accountName, accountKey);
    return { batch, blobs: measuredBlobClient(accountUrl, storageKey), storageKey };
  }
  return { batch, blobs: measuredBlobClient(accountUrl, new DefaultAzureCredential()) };
}

/** The blob endpoint a storage connection string names (its key stays out of it). */
export function storageEndpointOf(connectionString: string): string {
  return BlobServiceClient.fromConnectionString(connectionString).url;
}
