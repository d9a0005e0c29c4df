import { singleJobTaskId } from '../model/conventions';
import { initialSingleJobState, type SingleJobInput } from '../model/jobSpec';
import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';
import { checkRetryWindow, type JobBodySpec, prepareSubmission, startJobWorkflow, type SubmitSettings } from './submission';

export { type JobBodySpec, PoolNotFoundError, type SubmitSettings } from './submission';

/** Settings of submit beyond the provider's: how long a Failed job's Azure job stays open for `retry` (seconds, default a day). */
export interface SingleSubmitSettings extends SubmitSettings {
  retryWindowSeconds?: number;
}

/** The seed's RemoteBatchSubmit: validates everything, uploads inputs, starts the `singleJob` workflow. */
export async function submit(env: BatchEnvironment, body: JobBodySpec, settings: SingleSubmitSettings = {}): Promise<BatchJob> {
  const retryWindowSeconds = checkRetryWindow(settings?.retryWindowSeconds);
  const prepared = await prepareSubmission(env, body, settings, ['retryWindowSeconds']);
  const input: SingleJobInput = {
    jobId: prepared.jobId,
    environment: env.ref,
    body: prepared.body,
    settings: prepared.settings,
    inputs: prepared.inputs,
    submittedAt: new Date().toISOString(),
    ...(retryWindowSeconds !== undefined ? { retryWindowSeconds } : {}),
  };
  const initialState = initialSingleJobState(input, prepared.jobId, prepared.settings, singleJobTaskId);
  await startJobWorkflow(env, 'singleJob', prepared, input, initialState, `Single job ${prepared.jobId} on pool ${env.poolId}`);
  return new BatchJob(env, prepared.jobId);
}
