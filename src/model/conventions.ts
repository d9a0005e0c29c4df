/**
 * Blob names and container names by Microsoft's Batch File Conventions:
 * one container per job (`job-<normalized job id>`), task outputs under
 * `<taskId>/$TaskOutput/`, task logs under `<taskId>/$TaskLog/`.
 */

/** The single job's task id, as the seed gives it. */
export const singleJobTaskId = '10000000';
/** The first array child's task id; children count up from here. */
export const firstArrayChildTaskId = 10000001;

const taskOutputKind = '$TaskOutput';
const taskLogKind = '$TaskLog';

/** Files a job writes under this folder of its working directory are uploaded and downloadable. */
export const jobOutputFolder = 'JobOutput';
/** A command job may write its result (JSON) to this file in its working directory. */
export const resultFileName = 'result.json';
/** Script jobs' runner writes timing and logged messages here. */
export const evaluationFileName = 'evaluation.json';
/** The environment variable through which a job learns its VCPUCount. */
export const processorCountVariable = 'REMOTE_BATCH_PROCESSOR_COUNT';
/** Inline and uploaded inputs live under this prefix in the job's container. */
const inputPrefix = 'inputs/';

export function inputBlobName(name: string): string {
  return `${inputPrefix}${name}`;
}

const maxContainerNameLength = 63;

/**
 * Job ids are what maps straight onto a container name, so any client finds a
 * job's blobs at `job-<job id>`: 1 to 59 lowercase letters, digits and single
 * hyphens, starting and ending with a letter or digit. Batch treats ids
 * case-insensitively anyway.
 */
export const jobIdPattern = /^(?=.{1,59}$)[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const jobIdRule =
  '1 to 59 lowercase letters, digits and hyphens, starting and ending with a letter or digit, no two hyphens in a row (its blob container is job-<job id>).';

/** The job id (and workflow id) the TypeScript client gives a job. */
export function jobIdForUUID(uuid: string): string {
  return `rb-${uuid}`;
}

/** FNV-1a, enough to keep two long ids that share a prefix from colliding; pure so workflows may call it. */
function shortHash(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

/**
 * `job-<job id>`: the rule every client follows (docs/any-language.md, "Job ids and containers").
 * Jobs started before ids were restricted may have ids outside jobIdPattern;
 * theirs is the id lowercased with invalid runs turned into single hyphens,
 * plus a hash of the original id, so distinct ids never shared a container.
 */
export function jobContainerName(jobId: string): string {
  const plain = `job-${jobId}`;
  if (/^[a-z0-9]+(-[a-z0-9]+)*$/.test(plain) && plain.length <= maxContainerNameLength) return plain;
  const hash = shortHash(jobId);
  const cleaned = jobId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const room = maxContainerNameLength - 'job-'.length - hash.length - 1;
  const stem = cleaned.slice(0, room).replace(/-+$/g, '');
  return stem ? `job-${stem}-${hash}` : `job-${hash}`;
}

export function taskOutputPath(taskId: string, relative = ''): string {
  return `${taskId}/${taskOutputKind}${relative ? `/${relative}` : ''}`;
}

export function taskLogPath(taskId: string, relative = ''): string {
  return `${taskId}/${taskLogKind}${relative ? `/${relative}` : ''}`;
}

export const stdoutFileName = 'stdout.txt';
export const stderrFileName = 'stderr.txt';

/** A single job's rerun attempts (JobAttempts), kept beside its outputs; array children keep theirs in their state shard. */
export function taskAttemptsBlob(taskId: string): string {
  return `state/attempts/${taskId}.json`;
}
