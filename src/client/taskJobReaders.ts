import { jobContainerName, evaluationFileName, taskAttemptsBlob, resultFileName, stderrFileName, stdoutFileName, taskLogPath, taskOutputPath } from '../model/conventions';
import type { TaskAttempt } from '../model/failureKind';
import type { SingleJobStatus } from '../model/status';
import type { BatchEnvironment } from './environment';
import { readBlobText, readTaskFileText } from './readers';
import type { EvaluationData, TaskJobReaders } from './taskJobProperties';

/**
 * Logs from the compute node while the task runs (Batch's task file API) and
 * from Blob Storage ($TaskLog) after; evaluation data from $TaskOutput.
 */
export function taskJobReaders(
  environment: BatchEnvironment,
  task: { jobId: string; taskId: string; status: SingleJobStatus },
  knownResult?: { value: unknown },
  knownAttempts?: TaskAttempt[],
): TaskJobReaders {
  const finished = task.status === 'Succeeded' || task.status === 'Failed';
  const container = () => environment.azure().blobs.getContainerClient(jobContainerName(task.jobId));
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
      return (await readBlobText(container(), taskLogPath(task.taskId, file))) ?? '';
    },
    async evaluationData(): Promise<EvaluationData | undefined> {
      if (!finished) return undefined;
      const [resultText, evaluationText] = await Promise.all([
        knownResult ? undefined : readBlobText(container(), taskOutputPath(task.taskId, resultFileName)),
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
