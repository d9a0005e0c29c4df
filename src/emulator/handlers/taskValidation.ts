import { BatchServiceError, isBatchServiceError } from '../errors/batchError';
import { ErrorFactory } from '../errors/errorFactory';
import { preparationTaskOf, releaseTaskOf } from '../model/settings';
import type { JobRecord } from '../model/types';
import { schemasFor, type ResourceFile, type TaskAddParameter } from '../protocol/schemas';
import { validateBody } from '../protocol/validate';

/**
 * A task as Batch accepts it: the schema, then the rules the schema cannot say —
 * one source per resource file, a filePath that stays in the working directory,
 * output files with a container, dependencies only on jobs that use them.
 */
export function validateTask(value: unknown, job: JobRecord, apiVersion: string): TaskAddParameter {
  const task = validateBody(schemasFor(apiVersion).taskAdd, value, 'TaskAddParameter');
  checkResourceFiles(task.resourceFiles, '');
  task.outputFiles?.forEach((file, index) => {
    if (!file.destination.container) throw ErrorFactory.missingRequiredProperty(`outputFiles[${index}].destination.container`);
  });
  if (task.multiInstanceSettings) {
    throw ErrorFactory.unsupportedProperty('multiInstanceSettings', 'The emulator runs every task on one node; multi-instance (MPI) tasks are not supported.');
  }
  if (task.dependsOn && job.spec.usesTaskDependencies !== true) throw ErrorFactory.taskDependenciesNotSpecifiedOnJob();
  const id = task.id.toLowerCase();
  if (id === preparationTaskOf(job)?.id.toLowerCase()) throw ErrorFactory.taskIdSameAsJobPreparationTask();
  if (id === releaseTaskOf(job)?.id.toLowerCase()) throw ErrorFactory.taskIdSameAsJobReleaseTask();
  return task;
}

/**
 * Resource files (of a task or a pool's start task) as Batch accepts them: one source
 * each, a filePath for an httpUrl, and no filePath that leaves the working directory.
 * `prefix` names where they sit (`startTask.`), so the error names the property.
 */
export function checkResourceFiles(files: ResourceFile[] | undefined, prefix: string): void {
  files?.forEach((file, index) => {
    const name = `${prefix}resourceFiles[${index}]`;
    const sources = [file.autoStorageContainerName, file.storageContainerUrl, file.httpUrl].filter((source) => source !== undefined);
    if (sources.length === 0) throw ErrorFactory.missingRequiredProperty(`${name}.httpUrl`);
    if (sources.length > 1) {
      throw ErrorFactory.invalidPropertyValue(name, JSON.stringify(file), 'Exactly one of autoStorageContainerName, storageContainerUrl and httpUrl must be given.');
    }
    if (file.httpUrl !== undefined) {
      if (!isAbsoluteUrl(file.httpUrl)) throw ErrorFactory.invalidPropertyValue(`${name}.httpUrl`, file.httpUrl, 'The URL must be an absolute http or https URL.');
      if (!file.filePath) throw ErrorFactory.missingRequiredProperty(`${name}.filePath`);
    }
    if (file.storageContainerUrl !== undefined && !isAbsoluteUrl(file.storageContainerUrl)) {
      throw ErrorFactory.invalidPropertyValue(`${name}.storageContainerUrl`, file.storageContainerUrl, 'The URL must be an absolute http or https URL.');
    }
    if (file.blobPrefix !== undefined && file.storageContainerUrl === undefined && file.autoStorageContainerName === undefined) {
      throw ErrorFactory.invalidPropertyValue(`${name}.blobPrefix`, file.blobPrefix, 'blobPrefix applies only to autoStorageContainerName or storageContainerUrl.');
    }
    if (file.filePath !== undefined && escapesWorkingDirectory(file.filePath)) {
      throw ErrorFactory.invalidPropertyValue(`${name}.filePath`, file.filePath, "The file path must be relative to the task working directory and cannot break out of it (for example with '..').");
    }
  });
}

/** The error one task of a collection gets, in the shape of TaskAddResult.error. */
export function taskErrorBody(error: unknown): { code: string; message: { lang: string; value: string }; values?: Array<{ key: string; value: string }> } {
  const batchError: BatchServiceError = isBatchServiceError(error) ? error : ErrorFactory.internalError();
  return {
    code: batchError.code,
    message: { lang: 'en-US', value: batchError.message },
    ...(batchError.values.length ? { values: batchError.values } : {}),
  };
}

function isAbsoluteUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function escapesWorkingDirectory(filePath: string): boolean {
  const parts = filePath.replace(/\\/g, '/').split('/');
  if (filePath.startsWith('/') || /^[A-Za-z]:/.test(filePath)) return true;
  let depth = 0;
  for (const part of parts) {
    if (part === '..') depth--;
    else if (part !== '' && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}
