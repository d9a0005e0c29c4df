import type { Connection } from '../connections/connection';
import { resolveConnection } from '../connections/store';
import { BatchGateway } from './batchGateway';
import { createAzureClients } from './clients';
import { SasSigner } from './sas';
import { StorageGateway } from './storageGateway';

/** The gateways to one connection's Batch account and storage account. */
export interface ConnectionGateways {
  batch: BatchGateway;
  storage: StorageGateway;
}

export function connectionGateways(name: string, connection: Connection): ConnectionGateways {
  const clients = createAzureClients(connection);
  return { batch: new BatchGateway(clients.batch, name), storage: new StorageGateway(clients.blobs, new SasSigner(clients.blobs, clients.storageKey)) };
}

/** Gateways per connection name, built on first use: the worker's (and a client's) way from a name to credentials. */
export class AzureGateways {
  private readonly cache = new Map<string, ConnectionGateways>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(connection: string): ConnectionGateways {
    let gateways = this.cache.get(connection);
    if (!gateways) {
      gateways = connectionGateways(connection, resolveConnection(connection, this.env));
      this.cache.set(connection, gateways);
    }
    return gateways;
  }
}
