import { parseWorkflowInput, type SingleJobInput, singleJobInputSchema } from '../model/workflowInputs';
import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';
import { carryOutSubmission, checkRetryWindow, identityInput, type JobBodySpec, jobIdentityOptions, planSubmission, startJobWorkflow, type SubmitSettings } from './submission';

export { type JobBodySpec, PoolNotFoundError, type SubmitSettings } from './submission';

/** Settings of submit beyond the provider's: how long a Failed job's Azure job stays open for `retry` (seconds, default a day). */
export interface SingleSubmitSettings extends SubmitSettings {
  retryWindowSeconds?: number;
}

/**
 * The seed's RemoteBatchSubmit: checks everything (the workflow input against
 * its schema included) before creating anything, uploads inputs, starts the
 * `singleJob` workflow.
 */
export async function submit(env: BatchEnvironment, body: JobBodySpec, settings: SingleSubmitSettings = {}): Promise<BatchJob> {
  const plan = planSubmission(body, settings, ['retryWindowSeconds', ...jobIdentityOptions]);
  const retryWindowSeconds = checkRetryWindow(plan.rest.retryWindowSeconds);
  const input: SingleJobInput = {
    jobId: plan.jobId,
    environment: env.ref,
    body: plan.body,
    settings: plan.settings,
    inputs: plan.inputs,
    submittedAt: new Date().toISOString(),
    ...identityInput(plan.rest),
    ...(retryWindowSeconds !== undefined ? { retryWindowSeconds } : {}),
  };
  parseWorkflowInput(singleJobInputSchema, input);
  await carryOutSubmission(env, plan);
  await startJobWorkflow(env, 'singleJob', plan, input);
  return new BatchJob(env, plan.jobId);
}
