import { defineSearchAttributeKey, type SearchAttributePair, SearchAttributeType } from '@temporalio/common';
import { type JobLabels, labelKeywords } from './labels';

/**
 * Custom search attributes the stack registers and the workflows keep current,
 * so a user can type e.g. `RemoteBatchJobStatus="Running" AND RemoteBatchPoolId="local"`
 * into the Temporal UI's search box.
 */
export const jobStatusKey = defineSearchAttributeKey('RemoteBatchJobStatus', SearchAttributeType.KEYWORD);
export const jobTypeKey = defineSearchAttributeKey('RemoteBatchJobType', SearchAttributeType.KEYWORD);
const poolIdKey = defineSearchAttributeKey('RemoteBatchPoolId', SearchAttributeType.KEYWORD);
export const azureJobIdKey = defineSearchAttributeKey('RemoteBatchAzureJobId', SearchAttributeType.KEYWORD);
/** `<connection>/<pool>`: what listJobs filters on. */
export const environmentKey = defineSearchAttributeKey('RemoteBatchEnvironment', SearchAttributeType.KEYWORD);
/** The job's name, when it was given one: `RemoteBatchName STARTS_WITH "nightly"`. */
export const jobNameKey = defineSearchAttributeKey('RemoteBatchName', SearchAttributeType.KEYWORD);
/** The job's labels as `key=value` words: `RemoteBatchLabels = "team=vision"`. */
export const jobLabelsKey = defineSearchAttributeKey('RemoteBatchLabels', SearchAttributeType.KEYWORD_LIST);

/** Live counts of an array job's children (the dev server allows three Int attributes; active = total − these). */
export const childrenRunningKey = defineSearchAttributeKey('RemoteBatchChildrenRunning', SearchAttributeType.INT);
export const childrenSucceededKey = defineSearchAttributeKey('RemoteBatchChildrenSucceeded', SearchAttributeType.INT);
export const childrenFailedKey = defineSearchAttributeKey('RemoteBatchChildrenFailed', SearchAttributeType.INT);

export const searchAttributeKeys = [
  jobStatusKey,
  jobTypeKey,
  poolIdKey,
  azureJobIdKey,
  environmentKey,
  jobNameKey,
  jobLabelsKey,
  childrenRunningKey,
  childrenSucceededKey,
  childrenFailedKey,
];

/** The attributes every job keeps current: what the UI's search box and listJobs filter on. */
export function jobSearchAttributes(job: {
  status: string;
  type: 'Single' | 'Array';
  poolId: string;
  jobId: string;
  connection: string;
  name?: string;
  labels?: JobLabels;
}): SearchAttributePair[] {
  const labels = labelKeywords(job.labels);
  return [
    { key: jobStatusKey, value: job.status },
    { key: jobTypeKey, value: job.type },
    { key: poolIdKey, value: job.poolId },
    { key: azureJobIdKey, value: job.jobId },
    { key: environmentKey, value: `${job.connection}/${job.poolId}` },
    // Left out when absent, so a job without them records exactly what it always did.
    ...(job.name !== undefined ? [{ key: jobNameKey, value: job.name }] : []),
    ...(labels.length > 0 ? [{ key: jobLabelsKey, value: labels }] : []),
  ];
}
