import { resolveConnection } from '../connections/store';
import { type AzureClients, createAzureClients } from './clients';
import { SasSigner } from './sas';

export interface ConnectedClients extends AzureClients {
  sas: SasSigner;
}

/** Clients per connection name, built on first use; the worker's way from a name to credentials. */
export class ConnectionClients {
  private readonly cache = new Map<string, ConnectedClients>();

  constructor(private readonly env: NodeJS.ProcessEnv = process.env) {}

  get(connectionName: string): ConnectedClients {
    let clients = this.cache.get(connectionName);
    if (!clients) {
      const azure = createAzureClients(resolveConnection(connectionName, this.env));
      clients = { ...azure, sas: new SasSigner(azure.blobs, azure.storageKey) };
      this.cache.set(connectionName, clients);
    }
    return clients;
  }
}
