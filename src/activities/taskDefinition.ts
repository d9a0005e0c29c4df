import type { BatchServiceModels } from '@azure/batch';
import type { SasSigner } from '../azure/sas';
import { evaluationFileName, jobOutputFolder, resultFileName, taskLogPath, taskOutputPath } from '../model/conventions';

/** What every task of a job shares. */
export interface TaskTemplate {
  commandLine: string;
  requiredSlots: number;
  containerImage: string;
  environment: Record<string, string>;
  maxWallClockSeconds?: number;
  /** MaxRetries: Batch reruns a task that exits nonzero this many times. */
  maxTaskRetryCount?: number;
}

/** A blob of the job's container, placed in the task's working directory as `name`. */
export interface TaskInputBlob {
  name: string;
  blob: string;
}

export const sasLifetimeMs = 7 * 24 * 3600_000;

/** Read-only SAS URLs for input blobs, placed in the working directory under their names. */
export function signInputs(sas: SasSigner, container: string, inputs: TaskInputBlob[]): Promise<BatchServiceModels.ResourceFile[]> {
  return Promise.all(inputs.map(async ({ name, blob }) => ({ httpUrl: await sas.blobReadUrl(container, blob, sasLifetimeMs), filePath: name })));
}

/**
 * A Batch task by the Batch File Conventions: inputs as resource files with
 * read-only SAS URLs; logs to `<task>/$TaskLog`, the result and ./JobOutput/**
 * to `<task>/$TaskOutput` through a write-only container SAS.
 */
export function taskDefinition(
  taskId: string,
  template: TaskTemplate,
  resourceFiles: BatchServiceModels.ResourceFile[],
  outputContainerUrl: string,
  extraEnvironment: Record<string, string> = {},
): BatchServiceModels.TaskAddParameter {
  const upload = (filePattern: string, path: string): BatchServiceModels.OutputFile => ({
    filePattern,
    destination: { container: { containerUrl: outputContainerUrl, path } },
    uploadOptions: { uploadCondition: 'taskcompletion' },
  });
  return {
    id: taskId,
    commandLine: template.commandLine,
    requiredSlots: template.requiredSlots,
    containerSettings: { imageName: template.containerImage },
    resourceFiles,
    environmentSettings: Object.entries({ ...template.environment, ...extraEnvironment }).map(([name, value]) => ({ name, value })),
    constraints: {
      maxTaskRetryCount: template.maxTaskRetryCount ?? 0,
      ...(template.maxWallClockSeconds ? { maxWallClockTime: `PT${Math.ceil(template.maxWallClockSeconds)}S` } : {}),
    },
    // Logs last: in storage they then vouch for the rest (model/outputOrder).
    outputFiles: [
      upload(resultFileName, taskOutputPath(taskId, resultFileName)),
      upload(evaluationFileName, taskOutputPath(taskId, evaluationFileName)),
      upload(`${jobOutputFolder}/**/*`, taskOutputPath(taskId, jobOutputFolder)),
      upload('../std*.txt', taskLogPath(taskId)),
    ],
  };
}
