import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * Custom search attributes the stack registers and the workflows keep current,
 * so a user can type e.g. `RemoteBatchJobStatus="Running" AND RemoteBatchPoolId="local"`
 * into the Temporal UI's search box.
 */
export const jobStatusKey = defineSearchAttributeKey('RemoteBatchJobStatus', SearchAttributeType.KEYWORD);
export const jobTypeKey = defineSearchAttributeKey('RemoteBatchJobType', SearchAttributeType.KEYWORD);
export const poolIdKey = defineSearchAttributeKey('RemoteBatchPoolId', SearchAttributeType.KEYWORD);
export const azureJobIdKey = defineSearchAttributeKey('RemoteBatchAzureJobId', SearchAttributeType.KEYWORD);
/** `<connection>/<pool>`: what listJobs filters on. */
export const environmentKey = defineSearchAttributeKey('RemoteBatchEnvironment', SearchAttributeType.KEYWORD);

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
  childrenRunningKey,
  childrenSucceededKey,
  childrenFailedKey,
];
