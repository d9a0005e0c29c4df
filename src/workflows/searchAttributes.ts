import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

export const jobStatusKey = defineSearchAttributeKey('RemoteBatchJobStatus', SearchAttributeType.KEYWORD);
export const jobTypeKey = defineSearchAttributeKey('RemoteBatchJobType', SearchAttributeType.KEYWORD);
export const poolIdKey = defineSearchAttributeKey('RemoteBatchPoolId', SearchAttributeType.KEYWORD);
export const azureJobIdKey = defineSearchAttributeKey('RemoteBatchAzureJobId', SearchAttributeType.KEYWORD);
export const environmentKey = defineSearchAttributeKey('RemoteBatchEnvironment', SearchAttributeType.KEYWORD);
