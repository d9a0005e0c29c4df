import { z } from 'zod';
import { RemoteBatchError } from '../model/errors';

/**
 * A named set of endpoints and credentials. Lives only in the worker's and the
 * client's own configuration; workflows carry the name alone.
 */
export const connectionSchema = z.object({
  batch: z.object({
    endpoint: z.string().url(),
    accountName: z.string().min(1),
    /** Absent: Entra ID through DefaultAzureCredential. */
    accountKey: z.string().min(1).optional(),
  }),
  storage: z.union([
    z.object({ connectionString: z.string().min(1) }),
    z.object({ accountUrl: z.string().url(), accountName: z.string().min(1), accountKey: z.string().min(1).optional() }),
  ]),
});

export type Connection = z.infer<typeof connectionSchema>;

export const connectionsFileSchema = z.object({
  connections: z.record(z.string(), connectionSchema),
});

export type ConnectionsFile = z.infer<typeof connectionsFileSchema>;

/**
 * An error whose message names places on this machine (files, folders) says
 * in `publicMessage` what it may tell beyond it: a worker's errors become
 * workflow history, which every client reads.
 */
export interface LocalError extends Error {
  publicMessage: string;
}

const remedy = (name: string) =>
  `create it with 'remote-batch login --name ${name}', or set AZURE_BATCH_ENDPOINT, ` +
  'AZURE_BATCH_ACCOUNT, AZURE_BATCH_ACCESS_KEY and AZURE_STORAGE_CONNECTION_STRING for the connection named "default".';

export class ConnectionNotFoundError extends RemoteBatchError implements LocalError {
  readonly publicMessage: string;

  constructor(readonly connectionName: string, where: string) {
    super(`No connection named '${connectionName}' (looked in ${where}). To add it, ${remedy(connectionName)}`, 'ConnectionNotFound', 404);
    this.name = 'ConnectionNotFoundError';
    this.publicMessage = `The worker has no connection named '${connectionName}'. To add it, on the worker's machine ${remedy(connectionName)}`;
  }
}

export class ConnectionsFileError extends RemoteBatchError implements LocalError {
  readonly publicMessage = "The worker's connections file is not valid; the worker's log says which file and why.";

  constructor(readonly file: string, problem: string) {
    super(`The connections file ${file} is not valid: ${problem}. Fix or remove it; it was left unchanged.`, 'InvalidConnectionsFile');
    this.name = 'ConnectionsFileError';
  }
}

export function isLocalError(error: unknown): error is LocalError {
  return error instanceof Error && typeof (error as Partial<LocalError>).publicMessage === 'string';
}
