import { WorkflowNotFoundError } from '@temporalio/client';
import type { BatchEnvironment } from './environment';
import { waitingReason } from './waitingReason';

export class JobNotFoundError extends Error {
  readonly code = 'JobNotFound';
  constructor(readonly jobId: string, env: BatchEnvironment) {
    super(`No job ${jobId} in this environment (${env}).`);
    this.name = 'JobNotFoundError';
  }
}

/**
 * A job's state from its workflow's memo, so it reads even when no worker is
 * running. `isKind` tells a Single job's state from an array's: asking for the
 * wrong kind is "not found" too.
 */
export async function readJobState<T>(env: BatchEnvironment, jobId: string, isKind: (state: Record<string, unknown>) => boolean): Promise<T> {
  try {
    const description = await (await env.client()).workflow.getHandle(jobId).describe();
    const state = description.memo?.state as Record<string, unknown> | undefined;
    if (!state || !isKind(state)) throw new JobNotFoundError(jobId, env);
    // While it waits on a Batch limit, its pool or a worker, its reason says so.
    if (state.statusReason === undefined && (state.status === 'Active' || state.status === 'Running')) {
      const waiting = await waitingReason(env, description, state.submittedAt as string | undefined);
      if (waiting) return { ...state, statusReason: waiting } as T;
    }
    return state as T;
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new JobNotFoundError(jobId, env);
    throw error;
  }
}
