export { batchEnvironment, BatchEnvironment, type BatchEnvironmentOptions } from './environment';
export { submit, PoolNotFoundError, type JobBodySpec, type SubmitSettings } from './submit';
export { BatchJob, jobObject, JobNotFoundError, type EvaluationData, type JobOutputFile } from './jobObject';
export { listJobs, type ListJobsOptions } from './listJobs';
export { singleJobPropertyNames, UnknownPropertyError } from './properties';
export { taskQueue } from './temporalSettings';
