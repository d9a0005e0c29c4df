import type { BatchServiceClient } from '@azure/batch';
import type { BlobServiceClient } from '@azure/storage-blob';
import { type AzureClients, createAzureClients } from '../../src/azure/clients';
import { resolveConnection } from '../../src/connections/store';

const cache = new Map<string, AzureClients>();

/** The official SDK clients of a connection, for tests that look at Batch and storage directly. */
export function azureSdk(connection: string | { connection: string } = 'local'): { batch: BatchServiceClient; blobs: BlobServiceClient } {
  const name = typeof connection === 'string' ? connection : connection.connection;
  let clients = cache.get(name);
  if (!clients) {
    clients = createAzureClients(resolveConnection(name));
    cache.set(name, clients);
  }
  return clients;
}
