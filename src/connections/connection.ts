import { z } from 'zod';

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

export class ConnectionNotFoundError extends Error {
  constructor(readonly connectionName: string, where: string) {
    super(
      `No connection named '${connectionName}' (looked in ${where}). ` +
        `Create it with 'remote-batch login --name ${connectionName}', or set AZURE_BATCH_ENDPOINT, ` +
        'AZURE_BATCH_ACCOUNT, AZURE_BATCH_ACCESS_KEY and AZURE_STORAGE_CONNECTION_STRING for the connection named "default".',
    );
    this.name = 'ConnectionNotFoundError';
  }
}

export class ConnectionsFileError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`The connections file ${file} is not valid: ${problem}. Fix or remove it; it was left unchanged.`);
    this.name = 'ConnectionsFileError';
  }
}
