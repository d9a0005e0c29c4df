import { singleJobTaskId } from '../model/conventions';
import { initialSingleJobState, type SingleJobInput } from '../model/jobSpec';
import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';
import { type JobBodySpec, prepareSubmission, startJobWorkflow, type SubmitSettings } from './submission';

export { type JobBodySpec, PoolNotFoundError, type SubmitSettings } from './submission';

/** The seed's RemoteBatchSubmit: validates everything, uploads inputs, starts the `singleJob` workflow. */
export async function submit(env: BatchEnvironment, body: JobBodySpec, settings: SubmitSettings = {}): Promise<BatchJob> {
  const prepared = await prepareSubmission(env, body, settings);
  const input: SingleJobInput = {
    jobId: prepared.jobId,
    environment: env.ref,
    body: prepared.body,
    settings: prepared.settings,
    inputs: prepared.inputs,
    submittedAt: new Date().toISOString(),
  };
  const initialState = initialSingleJobState(input, prepared.jobId, prepared.settings, singleJobTaskId);
  await startJobWorkflow(env, 'singleJob', prepared, input, initialState);
  return new BatchJob(env, prepared.jobId);
}
