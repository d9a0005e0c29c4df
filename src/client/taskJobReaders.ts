import { evaluationFileName, resultFileName, stderrFileName, stdoutFileName, taskAttemptsBlob, taskLogPath, taskOutputPath } from '../model/conventions';
import type { TaskAttempt } from '../model/failureKind';
import type { SingleJobStatus } from '../model/status';
import { StoredStateMissingError } from './childRecords';
import { throwIfDeleted } from './deletedJob';
import type { BatchEnvironment } from './environment';
import type { EvaluationData, TaskJobReaders } from './taskJobProperties';

/**
 * Logs from the compute node while the task runs (Batch's task file API) and
 * from Blob Storage ($TaskLog) after; evaluation data from $TaskOutput. What
 * a succeeded task is known to have stored (its logs, a result it wrote) and
 * storage no longer has is an error naming it, never read as empty.
 */
export function taskJobReaders(
  environment: BatchEnvironment,
  task: { jobId: string; taskId: string; status: SingleJobStatus; hasResult?: boolean },
  known: { result?: { value: unknown }; attempts?: TaskAttempt[] } = {},
  signal?: AbortSignal,
): TaskJobReaders {
  const finished = task.status === 'Succeeded' || task.status === 'Failed';
  const storage = () => environment.azure().storage.job(task.jobId);

  const missing = (blob: string) =>
    new StoredStateMissingError(task.jobId, `Job ${task.jobId} recorded ${blob}, but storage (container ${storage().containerName}) does not have it: storage lost it, or it was deleted.`);

  async function readStored<T>(blob: string, what: string, recorded: boolean, read: (blob: string, signal?: AbortSignal) => Promise<T | undefined>): Promise<T | undefined> {
    const value = await read(blob, signal);
    if (value !== undefined) return value;
    await throwIfDeleted(environment, task.jobId, what, signal);
    if (recorded) throw missing(blob);
    return undefined;
  }

  return {
    async attempts() {
      return known.attempts ?? ((await storage().readJson(taskAttemptsBlob(task.taskId), signal)) as TaskAttempt[] | undefined) ?? [];
    },
    async log(stream) {
      const file = stream === 'stderr' ? stderrFileName : stdoutFileName;
      if (task.status === 'Active') return '';
      if (!finished) return (await environment.azure().batch.readTaskFile(task.jobId, task.taskId, file, signal))?.toString('utf8') ?? '';
      return (await readStored(taskLogPath(task.taskId, file), stream === 'stderr' ? 'standard error log' : 'log', task.status === 'Succeeded', (blob, abortSignal) => storage().readText(blob, abortSignal))) ?? '';
    },
    async evaluationData(): Promise<EvaluationData | undefined> {
      if (!finished) return undefined;
      const resultBlob = taskOutputPath(task.taskId, resultFileName);
      const [result, evaluation] = await Promise.all([
        known.result ? known.result.value : readStored(resultBlob, 'result', task.status === 'Succeeded' && task.hasResult === true, (blob, abortSignal) => storage().readJson(blob, abortSignal)),
        storage().readJson(taskOutputPath(task.taskId, evaluationFileName), signal).catch(() => undefined) as Promise<{ timing?: EvaluationData['Timing']; messages?: EvaluationData['Messages']; error?: string } | undefined>,
      ]);
      return { Result: result, Timing: evaluation?.timing, Messages: evaluation?.messages ?? [], ...(evaluation?.error ? { Error: evaluation.error } : {}) };
    },
  };
}
