import { InvalidSettingError } from '../model/errors';

/** What a file-system error while saving says, in words (its code too, for a search). */
export function fileSystemReason(error: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    EEXIST: 'a file is in the way of a folder',
    ENOTDIR: 'a part of the path is a file, not a folder',
    EISDIR: 'a folder is in the way of the file',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'the file system is read-only',
    ENOSPC: 'no space left on the device',
  };
  return `${reasons[error.code ?? ''] ?? error.message}${error.code ? ` (${error.code})` : ''}`;
}

/** An error the file system raised for a call on a path (not a network error that carries a code too). */
export function isFileSystemError(error: unknown): error is NodeJS.ErrnoException {
  const { code, syscall } = (error ?? {}) as NodeJS.ErrnoException;
  return typeof code === 'string' && /^E[A-Z]+$/.test(code) && syscall !== undefined;
}

/** An output file could not be saved where the caller asked: names the file, the destination and why. */
export class DownloadDestinationError extends InvalidSettingError {
  constructor(readonly outputName: string, readonly destination: string, readonly reason: string) {
    super('destination', `cannot save output file '${outputName}' as '${destination}': ${reason}. Give a file path whose folder can be created.`);
    this.name = 'DownloadDestinationError';
  }
}
