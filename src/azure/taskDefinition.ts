import type { BatchServiceModels } from '@azure/batch';
import { evaluationFileName, jobOutputFolder, resultFileName, taskLogPath, taskOutputPath } from '../model/conventions';
import type { TaskTemplate } from '../model/taskTemplate';

/** A task as Batch takes it (add, add collection). */
export type BatchTaskDefinition = BatchServiceModels.TaskAddParameter;

/** A file Batch downloads into the task's working directory before it starts. */
export interface ResourceFile {
  httpUrl: string;
  filePath: string;
}

/**
 * A Batch task by the Batch File Conventions: inputs as resource files with
 * read-only SAS URLs; logs to `<task>/$TaskLog`, the result and ./JobOutput/**
 * to `<task>/$TaskOutput` through a write-only container SAS. The logs come
 * last: Batch uploads them after the files before them.
 */
export function taskDefinition(
  taskId: string,
  template: TaskTemplate,
  resourceFiles: ResourceFile[],
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
    outputFiles: [
      upload(resultFileName, taskOutputPath(taskId, resultFileName)),
      upload(evaluationFileName, taskOutputPath(taskId, evaluationFileName)),
      upload(`${jobOutputFolder}/**/*`, taskOutputPath(taskId, jobOutputFolder)),
      upload('../std*.txt', taskLogPath(taskId)),
    ],
  };
}
