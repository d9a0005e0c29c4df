import { parseWorkflowInput, type SingleJobInput, singleJobInputSchema } from '../model/workflowInputs';
import { abortable } from './abort';
import { checkDependenciesExist } from './dependencies';
import type { BatchEnvironment } from './environment';
import { BatchJob } from './jobObject';
import { carryOutSubmission, commonJobInput, type JobBodySpec, planSubmission, startJobWorkflow } from './submission';
import { checkSubmitOptions, type SubmitOptions } from './submitOptions';

/**
 * The seed's RemoteBatchSubmit: checks everything (the workflow input against
 * its schema included) before creating anything, uploads inputs, starts the
 * `singleJob` workflow.
 */
export async function submit(env: BatchEnvironment, body: JobBodySpec, options?: SubmitOptions): Promise<BatchJob> {
  const checked = checkSubmitOptions(options);
  return abortable(checked.abortSignal, async (signal) => {
    const plan = planSubmission(body, checked);
    const input: SingleJobInput = commonJobInput(env, plan, checked);
    parseWorkflowInput(singleJobInputSchema, input);
    if (input.after) await checkDependenciesExist(env, input.after.jobIds, signal);
    await carryOutSubmission(env, plan, signal);
    await startJobWorkflow(env, 'singleJob', plan, input, { signal });
    return new BatchJob(env, plan.jobId);
  });
}
