import { ParentClosePolicy, startChild, workflowInfo } from '@temporalio/workflow';
import { jobSearchAttributes } from '../model/searchAttributes';
import { scheduledJobIdOf, type ScheduledJobInput } from '../model/schedules';
import { azure } from './activityProxies';

/**
 * One run of a schedule: the schedule's inputs copied into a new job's
 * container, then the job started as an ordinary job under its own id, and
 * waited for, so the schedule's overlap policy (skip, buffer one) applies to
 * jobs. The job outlives this run if it is terminated (ABANDON).
 */
export async function scheduledJob(input: ScheduledJobInput): Promise<{ jobId: string }> {
  const jobId = scheduledJobIdOf(workflowInfo().workflowId);
  const { connection, poolId } = input.job.environment;
  await azure.copyScheduleInputs({ connection, schedule: input.schedule, jobId });
  const labels = input.job.labels as Record<string, string> | undefined;
  const name = input.job.name as string | undefined;
  const job = await startChild(input.workflowType, {
    workflowId: jobId,
    args: [{ ...input.job, jobId, submittedAt: new Date().toISOString() }] as never,
    parentClosePolicy: ParentClosePolicy.ABANDON,
    typedSearchAttributes: jobSearchAttributes({ status: 'Active', type: input.workflowType === 'singleJob' ? 'Single' : 'Array', poolId, jobId, connection, name, labels }),
    ...(input.staticSummary !== undefined ? { staticSummary: input.staticSummary } : {}),
    ...(input.staticDetails !== undefined ? { staticDetails: input.staticDetails } : {}),
  });
  // How the job ended is its own state's to say: this run only waits for it.
  await job.result().catch(() => undefined);
  return { jobId };
}
