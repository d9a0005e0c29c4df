import type { TaskRecord } from '../model/types';

export interface ExitOptions {
  jobAction?: 'none' | 'disable' | 'terminate';
  dependencyAction?: 'satisfy' | 'block';
}

interface ExitConditions {
  exitCodes?: Array<{ code: number; exitOptions: ExitOptions }>;
  exitCodeRanges?: Array<{ start: number; end: number; exitOptions: ExitOptions }>;
  preProcessingError?: ExitOptions;
  fileUploadError?: ExitOptions;
  default?: ExitOptions;
}

/**
 * What a completed task's exitConditions say about how it ended, with Batch's
 * defaults: success satisfies dependents and leaves the job alone; any failure
 * blocks dependents and (under performexitoptionsjobaction) terminates the job.
 */
export function exitOptionsOf(task: TaskRecord): Required<ExitOptions> {
  const info = task.executionInfo;
  const failed = info?.result === 'failure';
  const conditions = task.spec.exitConditions as ExitConditions | undefined;
  let options: ExitOptions | undefined;
  if (info?.failureInfo?.code === 'FileUploadMiscError') options = conditions?.fileUploadError;
  else if (failed && info?.exitCode === undefined) options = conditions?.preProcessingError;
  else if (info?.exitCode !== undefined) {
    const code = info.exitCode;
    options =
      conditions?.exitCodes?.find((mapping) => mapping.code === code)?.exitOptions ??
      conditions?.exitCodeRanges?.find((range) => code >= range.start && code <= range.end)?.exitOptions;
  }
  if (!options && failed) options = conditions?.default;
  return {
    jobAction: options?.jobAction ?? (failed ? 'terminate' : 'none'),
    dependencyAction: options?.dependencyAction ?? (failed ? 'block' : 'satisfy'),
  };
}
