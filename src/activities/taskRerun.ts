import type { ConnectionGateways } from '../azure/gateways';
import type { BatchTaskDefinition } from '../azure/taskDefinition';

/**
 * Runs a completed task again under the same id; false when the job has
 * ended, so nothing can run again. Batch reactivates only a failure: a task
 * Batch calls successful (whose outputs are missing) is deleted and added
 * again from its own definition, which is kept in storage meanwhile, so a
 * retried or concurrent attempt that finds the task gone adds it back.
 */
export async function rerunTask({ batch, storage }: ConnectionGateways, jobId: string, taskId: string): Promise<boolean> {
  const job = storage.job(jobId);
  const reactivated = await batch.reactivateTask(jobId, taskId);
  if (reactivated === 'reactivated') return true;
  if (reactivated === 'ended') return false;
  let definition = (await job.rerunDefinition(taskId)) as BatchTaskDefinition | undefined;
  if (reactivated === 'succeeded') {
    definition ??= await batch.taskDefinitionOf(jobId, taskId);
    if (!definition) return false;
    await job.keepRerunDefinition(taskId, definition);
    await batch.deleteTask(jobId, taskId);
  }
  if (!definition) throw new Error(`Task ${taskId} of job ${jobId} is gone and no rerun of it was under way.`);
  const added = await batch.addTaskAgain(jobId, definition);
  await job.dropRerunDefinition(taskId);
  return added;
}
