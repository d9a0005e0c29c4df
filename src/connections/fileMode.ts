import fs from 'node:fs';

/** Files already warned about in this process: a long-running worker or a CLI command says it once. */
const warnedFiles = new Set<string>();

/**
 * The warning for a connections file that other users can read (its keys
 * with it), once per file and process; undefined when it is private, missing,
 * already warned about, or on Windows, whose permissions are not modes.
 * Kept free of other imports: the CLI checks it before loading the store.
 */
export function readableByOthersWarning(file: string): string | undefined {
  if (process.platform === 'win32' || warnedFiles.has(file)) return undefined;
  let mode: number;
  try {
    const stat = fs.statSync(file);
    if (!stat.isFile()) return undefined;
    mode = stat.mode & 0o777;
  } catch {
    return undefined;
  }
  if ((mode & 0o077) === 0) return undefined;
  warnedFiles.add(file);
  return (
    `the connections file ${file} can be read by other users (mode ${mode.toString(8).padStart(4, '0')}), and it holds saved credentials. ` +
    `Make it private: chmod 600 ${file}`
  );
}

/** For callers with no terminal of their own (the client library, the worker): Node's warning, printed on stderr. */
export function warnIfReadableByOthers(file: string): void {
  const warning = readableByOthersWarning(file);
  if (warning) process.emitWarning(warning, { code: 'REMOTE_BATCH_CONNECTIONS_FILE_MODE' });
}
