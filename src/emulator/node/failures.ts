import type { FailureInfo } from '../model/types';

/** Task failure information, worded and coded as Batch reports it. */
export const TaskFailures = {
  failureExitCode(): FailureInfo {
    return userError('FailureExitCode', 'The task exited with an exit code representing a failure');
  },
  endedByUser(): FailureInfo {
    return userError('TaskEnded', 'Task Was Ended by User Request');
  },
  maxWallClockTimeExceeded(limit: string): FailureInfo {
    return userError('TaskEnded', `The task exceeded its maximum wall clock time (maxWallClockTime ${limit}) and was terminated`);
  },
  blobNotFound(url: string, detail: string): FailureInfo {
    return userError('BlobNotFound', 'A resource file required for the task does not exist', [
      { name: 'FilePath', value: url },
      { name: 'Message', value: detail },
    ]);
  },
  blobAccessDenied(url: string, detail: string): FailureInfo {
    return userError('BlobAccessDenied', 'Access for one of the specified Azure Blob(s) is denied', [
      { name: 'FilePath', value: url },
      { name: 'Message', value: detail },
    ]);
  },
  blobDownloadMiscError(url: string, detail: string): FailureInfo {
    return userError('BlobDownloadMiscError', 'Miscellaneous error encountered while downloading one of the specified Azure Blob(s)', [
      { name: 'FilePath', value: url },
      { name: 'Message', value: detail },
    ]);
  },
  resourceFileWriteFailed(filePath: string, detail: string): FailureInfo {
    return userError('ResourceFileWriteFailed', 'The compute node could not write a resource file required for the task', [
      { name: 'FilePath', value: filePath },
      { name: 'Message', value: detail },
    ]);
  },
  commandProgramNotFound(program: string): FailureInfo {
    return userError('CommandProgramNotFound', 'The specified command program is not found', [{ name: 'Message', value: `'${program}' was not found` }]);
  },
  commandLaunchFailed(detail: string): FailureInfo {
    return userError('CommandLaunchFailed', 'The task command line could not be launched', [{ name: 'Message', value: detail }]);
  },
  fileUploadFailed(pattern: string, detail: string): FailureInfo {
    return userError('FileUploadMiscError', 'Miscellaneous error encountered while uploading one of the output files', [
      { name: 'FilePattern', value: pattern },
      { name: 'Message', value: detail },
    ]);
  },
};

function userError(code: string, message: string, details?: FailureInfo['details']): FailureInfo {
  return { category: 'usererror', code, message, details: details ?? [{ name: 'Message', value: message }] };
}
