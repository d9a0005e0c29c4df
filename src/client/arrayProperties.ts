import { identityPropertyNames, standardPropertyNames, timePropertyNames } from './properties';

/** Property names of an Array job, as the seed and Wolfram's RemoteBatchJobObject spell them. */
export const arrayJobPropertyNames = [
  ...standardPropertyNames,
  ...identityPropertyNames,
  'ProviderFirstTaskID',
  ...timePropertyNames,
  'ChildJobCount',
  'ChildJobObjects',
  'ChildJobStatuses',
  'ChildJobExitCodes',
  'ChildJobStatusReasons',
  'ChildJobEvaluationResults',
  'ChildJobEvaluationData',
  'ChildJobCounts',
  'JobInputFilenames',
  'ProviderSettings',
  'Properties',
] as const;

export type ArrayJobPropertyName = (typeof arrayJobPropertyNames)[number];
