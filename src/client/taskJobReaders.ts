import { jobContainerName, evaluationFileName, taskAttemptsBlob, resultFileName, stderrFileName, stdoutFileName, taskLogPath, taskOutputPath } from '../model/conventions';
import type { TaskAttempt } from '../model/failureKind';
import type { SingleJobStatus } from '../model/status';
import type { BatchEnvironment } from './environment';
import { readBlobText, readTaskFileText } from './readers';
import { restoreTaskOutputs } from './storageRepair';
import type { EvaluationData, TaskJobReaders } from './taskJobProperties';

/**
 * Logs from the compute node while the task runs (Batch's task file API) and
 * from Blob Storage ($TaskLog) after; evaluation data from $TaskOutput. What a
 * succeeded task is known to have stored (its logs, a result it wrote) but
 * storage no longer has, storage lost: it is uploaded again from the node
 * before it is read, never read as empty.
 */
export function taskJobReaders(
  environment: BatchEnvironment,
  task: { jobId: string; taskId: string; status: SingleJobStatus; hasResult?: boolean },
  knownResult?: { value: unknown },
  knownAttempts?: TaskAttempt[],
): TaskJobReaders {
  const finished = task.status === 'Succeeded' || task.status === 'Failed';
  const container = () => environment.azure().blobs.getContainerClient(jobContainerName(task.jobId));

  async function readStored(blob: string, stored: boolean): Promise<string | undefined> {
    const text = await readBlobText(container(), blob);
    if (text !== undefined || !stored) return text;
    const lost = await restoreTaskOutputs(environment, task, [blob]);
    if (lost.length > 0) {
      throw new Error(`Storage lost ${blob} of job ${task.jobId} after the task completed, and its compute node no longer has it.`);
    }
    return readBlobText(container(), blob);
  }

  return {
    async attempts() {
      if (knownAttempts) return knownAttempts;
      const text = await readBlobText(container(), taskAttemptsBlob(task.taskId));
      return text ? (JSON.parse(text) as TaskAttempt[]) : [];
    },
    async log(stream) {
      const file = stream === 'stderr' ? stderrFileName : stdoutFileName;
      if (task.status === 'Active') return '';
      if (!finished) return (await readTaskFileText(environment.azure().batch, task.jobId, task.taskId, file)) ?? '';
      return (await readStored(taskLogPath(task.taskId, file), task.status === 'Succeeded')) ?? '';
    },
    async evaluationData(): Promise<EvaluationData | undefined> {
      if (!finished) return undefined;
      const [resultText, evaluationText] = await Promise.all([
        knownResult ? undefined : readStored(taskOutputPath(task.taskId, resultFileName), task.status === 'Succeeded' && task.hasResult === true),
        readBlobText(container(), taskOutputPath(task.taskId, evaluationFileName)),
      ]);
      const evaluation = evaluationText ? JSON.parse(evaluationText) : {};
      return {
        Result: knownResult ? knownResult.value : resultText === undefined ? undefined : JSON.parse(resultText),
        Timing: evaluation.timing,
        Messages: evaluation.messages ?? [],
        ...(evaluation.error ? { Error: evaluation.error } : {}),
      };
    },
  };
}
