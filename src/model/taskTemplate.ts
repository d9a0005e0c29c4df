import { inputBlobName, processorCountVariable } from './conventions';
import { defaultExportName, scriptArgsFileName, scriptBundleFileName, scriptCommandLine } from './scriptJob';
import type { CheckedArrayJobInput, CheckedSingleJobInput } from './workflowInputs';

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

type JobInput = CheckedSingleJobInput | CheckedArrayJobInput;

/** The task every child (or the single job) runs: its command line, slots, image, environment and limits. */
export function taskTemplateOf(input: JobInput): TaskTemplate {
  const { settings, body } = input;
  return {
    commandLine: body.kind === 'script' ? scriptCommandLine(body.exportName ?? defaultExportName) : body.commandLine,
    requiredSlots: settings.vcpuCount,
    containerImage: settings.containerImage,
    environment: { ...settings.environmentVariables, [processorCountVariable]: String(settings.vcpuCount) },
    ...(settings.timeConstraint !== undefined ? { maxWallClockSeconds: settings.timeConstraint } : {}),
    ...(settings.maxRetries ? { maxTaskRetryCount: settings.maxRetries } : {}),
  };
}

/**
 * Files the workflow uploads itself: inputs small enough to travel in its
 * input and, for a single script job, its arguments.
 */
export function inlineInputsOf(input: JobInput, oneTask: boolean): { blob: string; content: string }[] {
  const files = input.inputs.flatMap((file) => ('content' in file ? [{ blob: inputBlobName(file.name), content: file.content }] : []));
  if (input.body.kind === 'script' && oneTask) files.push({ blob: inputBlobName(scriptArgsFileName), content: JSON.stringify(input.body.args ?? []) });
  return files;
}

/** Every file placed in the task's working directory, by the blob it comes from. */
export function taskInputBlobsOf(input: JobInput, oneTask: boolean): TaskInputBlob[] {
  const blobs: TaskInputBlob[] = input.inputs.map((file) => ({ name: file.name, blob: 'blob' in file ? file.blob : inputBlobName(file.name) }));
  if (input.body.kind === 'script') {
    blobs.push({ name: scriptBundleFileName, blob: input.body.bundleBlob });
    if (oneTask) blobs.push({ name: scriptArgsFileName, blob: inputBlobName(scriptArgsFileName) });
  }
  return blobs;
}
