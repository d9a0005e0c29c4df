import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  type Connection,
  ConnectionNotFoundError,
  type ConnectionsFile,
  connectionsFileSchema,
  ConnectionsFileError,
} from './connection';
import { warnIfReadableByOthers } from './fileMode';

export const connectionsFileVariable = 'REMOTE_BATCH_CONNECTIONS_FILE';

export function connectionsFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env[connectionsFileVariable] || path.join(os.homedir(), '.config', 'remote-batch', 'connections.json');
}

export function readConnectionsFile(file: string): ConnectionsFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { connections: {} };
    if (code === 'EISDIR') throw new ConnectionsFileError(file, 'it is a folder, not a file (the connections file is a JSON file; set REMOTE_BATCH_CONNECTIONS_FILE to one, or remove the folder)');
    if (code === 'EACCES' || code === 'EPERM') throw new ConnectionsFileError(file, `it cannot be read (permission denied, ${code})`);
    if (code === 'ENOTDIR') throw new ConnectionsFileError(file, 'a part of its path is a file, not a folder');
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConnectionsFileError(file, `it is not JSON (${(error as Error).message})`);
  }
  const result = connectionsFileSchema.safeParse(parsed);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new ConnectionsFileError(file, `${issue.path.join('.') || 'the top level'}: ${issue.message}`);
  }
  return result.data;
}

/** Writes atomically with mode 0600: the file holds account keys. */
export function saveConnection(file: string, name: string, connection: Connection): void {
  const current = readConnectionsFile(file);
  current.connections[name] = connection;
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(current, null, 2)}\n`, { mode: 0o600 });
  fs.renameSync(temporary, file);
  fs.chmodSync(file, 0o600);
}

function connectionFromEnvironment(env: NodeJS.ProcessEnv): Connection | undefined {
  const endpoint = env.AZURE_BATCH_ENDPOINT;
  const accountName = env.AZURE_BATCH_ACCOUNT;
  if (!endpoint || !accountName) return undefined;
  const storage = env.AZURE_STORAGE_CONNECTION_STRING
    ? { connectionString: env.AZURE_STORAGE_CONNECTION_STRING }
    : env.AZURE_STORAGE_ACCOUNT
      ? {
          accountName: env.AZURE_STORAGE_ACCOUNT,
          accountUrl: `https://${env.AZURE_STORAGE_ACCOUNT}.blob.core.windows.net`,
          accountKey: env.AZURE_STORAGE_KEY,
        }
      : undefined;
  if (!storage) return undefined;
  return { batch: { endpoint, accountName, accountKey: env.AZURE_BATCH_ACCESS_KEY }, storage };
}

/**
 * Where the embedded local stack writes its `local` connection: its data
 * folder (REMOTE_BATCH_DATA_DIR, as `npm run stack` reads it; default
 * `.data/stack` inside the repository, git-ignored).
 */
export function localStackConnectionsFile(env: NodeJS.ProcessEnv = process.env): string {
  const dataDir = env.REMOTE_BATCH_DATA_DIR ? path.resolve(env.REMOTE_BATCH_DATA_DIR) : path.resolve(__dirname, '..', '..', '.data', 'stack');
  return path.join(dataDir, 'connections.json');
}

/**
 * The saved connection of that name. "local" falls back to the one the embedded
 * stack wrote; "default" may also come from AZURE_* variables.
 */
export function resolveConnection(name: string, env: NodeJS.ProcessEnv = process.env): Connection {
  const file = connectionsFilePath(env);
  const saved = readConnectionsFile(file).connections[name];
  if (saved) {
    warnIfReadableByOthers(file);
    return saved;
  }
  if (name === 'local') {
    const stackSaved = readConnectionsFile(localStackConnectionsFile(env)).connections.local;
    if (stackSaved) return stackSaved;
  }
  if (name === 'default') {
    const fromEnv = connectionFromEnvironment(env);
    if (fromEnv) return fromEnv;
  }
  const where = name === 'default' ? `${file} and AZURE_* variables` : name === 'local' ? `${file} and ${localStackConnectionsFile(env)}` : file;
  throw new ConnectionNotFoundError(name, where);
}

/** Every connection name this process can resolve: the saved ones, the local stack's, and `default` from AZURE_* variables. */
export function knownConnectionNames(env: NodeJS.ProcessEnv = process.env): string[] {
  const names = new Set(Object.keys(readConnectionsFile(connectionsFilePath(env)).connections));
  if (readConnectionsFile(localStackConnectionsFile(env)).connections.local) names.add('local');
  if (connectionFromEnvironment(env)) names.add('default');
  return [...names].sort();
}
