import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface StackSecrets {
  batchUrl: string;
  batchAccount: string;
  batchKey: string;
  storageConnectionString: string;
  storageAccount: string;
  storageKey: string;
  blobEndpoint: string;
}

/** The local stack's connection `local`, as the stack saved it: what a person would type into `login`. */
export function stackConnection(): StackSecrets {
  const file = process.env.REMOTE_BATCH_CONNECTIONS_FILE!;
  const local = JSON.parse(fs.readFileSync(file, 'utf8')).connections.local;
  const connectionString: string = local.storage.connectionString;
  const part = (name: string) => new RegExp(`(?:^|;)${name}=([^;]+)`).exec(connectionString)?.[1] ?? '';
  return {
    batchUrl: local.batch.endpoint,
    batchAccount: local.batch.accountName,
    batchKey: local.batch.accountKey,
    storageConnectionString: connectionString,
    storageAccount: part('AccountName'),
    storageKey: part('AccountKey'),
    blobEndpoint: part('BlobEndpoint'),
  };
}

/** A connections file of the test's own, in a fresh folder (login tests never touch the stack's). */
export function tempConnectionsFile(): { file: string; cleanup: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-cli-'));
  return { file: path.join(dir, 'config', 'connections.json'), cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
