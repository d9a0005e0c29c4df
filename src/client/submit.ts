import { singleJobTaskId } from '../model/conventions';
import { initialSingleJobState, type SingleJobInput } from '../model/jobSpec';
import { parseWorkflowInput, singleJobInputSchema } from '../model/workflowInputs';
import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';
import { carryOutSubmission, type JobBodySpec, planSubmission, startJobWorkflow, type SubmitSettings } from './submission';

export { type JobBodySpec, PoolNotFoundError, type SubmitSettings } from './submission';

/**
 * The seed's RemoteBatchSubmit: checks everything (the workflow input against
 * its schema included) before creating anything, uploads inputs, starts the
 * `singleJob` workflow.
 */
export async function submit(env: BatchEnvironment, body: JobBodySpec, settings: SubmitSettings = {}): Promise<BatchJob> {
  const plan = planSubmission(body, settings);
  const input: SingleJobInput = {
    jobId: plan.jobId,
    environment: env.ref,
    body: plan.body,
    settings: plan.settings,
    inputs: plan.inputs,
    submittedAt: new Date().toISOString(),
  };
  parseWorkflowInput(singleJobInputSchema, input);
  await carryOutSubmission(env, plan);
  const initialState = initialSingleJobState(input, plan.jobId, plan.settings, singleJobTaskId);
  await startJobWorkflow(env, 'singleJob', plan, input, initialState);
  return new BatchJob(env, plan.jobId);
}
