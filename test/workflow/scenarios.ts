import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { type ArrayJob, type BatchEnvironment, type BatchJob, createSchedule, mapSubmit, submit, taskQueue } from '../../src/client';
import { scheduleIdOf } from '../../src/model/schedules';
import { childShardBlob } from '../../src/model/arrayJob';
import { jobContainerName, resultFileName, taskOutputPath } from '../../src/model/conventions';
import { deleteWorkflow, resetWorkflow } from '../support/temporalUiActions';
import { waitFor } from '../support/waitFor';
import { azureSdk } from '../support/azureSdk';

/** What a recorded scenario needs: the stack's pool and a Temporal client. */
export interface ScenarioContext {
  env: BatchEnvironment;
  client: Client;
}

/** Runs one job to its end and returns its workflow id; every run of that id is recorded. */
export type Scenario = (context: ScenarioContext) => Promise<string>;

const minute = 60_000;

/** A single job started by name, as a caller in another language would, past the client's own checks. */
async function startedByName(context: ScenarioContext, environment: { poolId: string; connection: string }): Promise<string> {
  const workflowId = `rb-${randomUUID()}`;
  const input = { environment, body: { kind: 'command', commandLine: 'true' } };
  await context.client.workflow.start('singleJob', { taskQueue, workflowId, args: [input as never] });
  return settled(context, workflowId);
}

async function settled(context: ScenarioContext, workflowId: string): Promise<string> {
  await context.client.workflow.getHandle(workflowId).result().catch(() => undefined);
  return workflowId;
}

function jobStatus(job: BatchJob | ArrayJob): Promise<unknown> {
  return job.get('JobStatus');
}

async function whenRunning(job: BatchJob): Promise<void> {
  await waitFor(() => jobStatus(job), (status) => status === 'Running', minute, `${job.jobId} to run`, 200);
}

async function whenChildRunning(array: ArrayJob, child: number): Promise<void> {
  await waitFor(() => array.child(child).get('JobStatus'), (status) => status === 'Running', minute, `${array.jobId}/${child} to run`, 200);
}

async function whenChildrenRunning(array: ArrayJob): Promise<void> {
  await waitFor(() => array.get('ChildJobCounts') as Promise<{ running: number }>, (counts) => counts.running > 0, minute, `${array.jobId} to run`, 200);
}

/** Waits for the reconciler's closing run (recordHistories runs it every few seconds) to record the job's final state. */
async function closedByReconciler(context: ScenarioContext, workflowId: string): Promise<string> {
  await waitFor(
    async () => {
      const described = await context.client.workflow.getHandle(workflowId).describe().catch(() => undefined);
      return described?.type === 'closeOrphanedJob' && described.status.name !== 'RUNNING';
    },
    (closed) => closed,
    3 * minute,
    `the reconciler to close ${workflowId}`,
    500,
  );
  return workflowId;
}

async function whenCompleted(array: ArrayJob): Promise<void> {
  await waitFor(() => jobStatus(array), (status) => status === 'Completed', 2 * minute, `${array.jobId} to complete`, 200);
}

/**
 * Each scenario drives one real job through a path of the workflow code. The
 * file name of its history is the scenario's name (plus a tag, see CONTRIBUTING.md).
 */
export const scenarios: Record<string, Scenario> = {
  'single-success': async (context) => settled(context, (await submit(context.env, { command: 'true' })).jobId),

  'single-failure': async (context) => settled(context, (await submit(context.env, { command: '/bin/sh -c "exit 3"' })).jobId),

  // MaxRetries: Batch reruns the failing task itself (maxTaskRetryCount), so the job fails once more than it is told to rerun.
  'single-max-retries': async (context) => settled(context, (await submit(context.env, { command: '/bin/sh -c "exit 3"' }, { settings: { MaxRetries: 1 } })).jobId),

  // Refused by Azure (an unknown pool) or by the worker (an unknown connection): the job ends Failed with the refusal.
  'single-unknown-pool': async (context) => startedByName(context, { ...context.env.ref, poolId: 'no-such-pool' }),

  'single-unknown-connection': async (context) => startedByName(context, { ...context.env.ref, connection: 'no-such-connection' }),

  'single-retry': async (context) => {
    // Fails on its first attempt only: the marker it leaves makes the retry succeed.
    const marker = path.join(os.tmpdir(), `rb-record-single-${process.pid}-${Date.now()}`);
    const job = await submit(context.env, { command: `/bin/sh -c "if [ ! -e ${marker} ]; then touch ${marker}; exit 7; fi"` });
    await settled(context, job.jobId);
    await job.retry();
    return settled(context, job.jobId);
  },

  'single-abort': async (context) => {
    const job = await submit(context.env, { command: '/bin/sh -c "sleep 60"' });
    await whenRunning(job);
    await job.abort('recorded abort');
    return settled(context, job.jobId);
  },

  'single-cancel': async (context) => {
    const job = await submit(context.env, { command: '/bin/sh -c "sleep 60"' });
    await whenRunning(job);
    await context.client.workflow.getHandle(job.jobId).cancel();
    return settled(context, job.jobId);
  },

  'array-cancel': async (context) => {
    const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep 60"' }, [1, 2, 3]);
    await whenChildRunning(array, 1);
    await context.client.workflow.getHandle(array.jobId).cancel();
    return settled(context, array.jobId);
  },

  'array-child-abort': async (context) => {
    const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep $(( REMOTE_BATCH_CHILD_INDEX == 1 ? 60 : 0 ))"' }, [1, 2], {
      retryWindowInSeconds: 2,
    });
    await whenChildRunning(array, 1);
    await array.child(1).abort('recorded child abort');
    return settled(context, array.jobId);
  },

  'array-abort': async (context) => {
    const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep 60"' }, [1, 2, 3]);
    await whenChildRunning(array, 1);
    await array.abort('recorded array abort');
    return settled(context, array.jobId);
  },

  'array-retry-failed': async (context) => {
    // Child 2 fails on its first attempt only: the marker it leaves makes the rerun succeed.
    const marker = path.join(os.tmpdir(), `rb-record-${process.pid}-${Date.now()}`);
    const array = await mapSubmit(
      context.env,
      { command: `/bin/sh -c "if [ $REMOTE_BATCH_CHILD_INDEX = 2 ] && [ ! -e ${marker} ]; then touch ${marker}; exit 7; fi"` },
      [1, 2, 3],
      { retryWindowInSeconds: 30 },
    );
    await whenCompleted(array);
    await array.retryFailed();
    return settled(context, array.jobId);
  },

  'single-reset': async (context) => {
    const job = await submit(context.env, { command: '/bin/sh -c "sleep 4"' });
    await whenRunning(job);
    await resetWorkflow(context.client, job.jobId, 'first');
    return settled(context, job.jobId);
  },

  'array-reset': async (context) => {
    const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep 4"' }, [1, 2]);
    await whenChildrenRunning(array);
    await resetWorkflow(context.client, array.jobId, 'last');
    return settled(context, array.jobId);
  },

  'single-terminated-closed': async (context) => {
    const job = await submit(context.env, { command: '/bin/sh -c "sleep 300"' });
    await whenRunning(job);
    await context.client.workflow.getHandle(job.jobId).terminate('recorded terminate');
    return closedByReconciler(context, job.jobId);
  },

  'array-terminated-closed': async (context) => {
    const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep $(( REMOTE_BATCH_CHILD_INDEX == 1 ? 2 : 300 ))"' }, [1, 2]);
    await whenChildrenRunning(array);
    await context.client.workflow.getHandle(array.jobId).terminate('recorded terminate');
    return closedByReconciler(context, array.jobId);
  },

  'array-deleted-closed': async (context) => {
    const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep 300"' }, [1, 2]);
    await whenChildrenRunning(array);
    await deleteWorkflow(context.client, array.jobId);
    return closedByReconciler(context, array.jobId);
  },

  // MaxParallel: one child at a time, raised to three while the first runs (the setMaxParallel update).
  'array-max-parallel': async (context) => {
    const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep 3"' }, [1, 2, 3, 4], { settings: { MaxParallel: 1 } });
    await whenChildrenRunning(array);
    await array.setMaxParallel(3);
    return settled(context, array.jobId);
  },

  // RetryOn: child 2 exits 137 once and waits out its backoff to be rerun, while the others end.
  'array-retry-on': async (context) => {
    const marker = path.join(os.tmpdir(), `rb-record-retry-on-${process.pid}-${Date.now()}`);
    const array = await mapSubmit(
      context.env,
      { command: `/bin/sh -c "if [ $REMOTE_BATCH_CHILD_INDEX = 2 ] && [ ! -e ${marker} ]; then touch ${marker}; exit 137; fi"` },
      [1, 2, 3],
      { settings: { RetryOn: { ExitCodes: [137], MaxAttempts: 2, BackoffSeconds: 2 } } },
    );
    return settled(context, array.jobId);
  },

  // A job after another: it waits (its reason in the state), then runs once the first succeeded.
  'single-after': async (context) => {
    const first = await submit(context.env, { command: '/bin/sh -c "sleep 2"' });
    const second = await submit(context.env, { command: 'true' }, { after: [first] });
    return settled(context, second.jobId);
  },

  // An array after a job that failed for good: it never creates its Azure job, every child Failed with the reason.
  'array-after-failed': async (context) => {
    const failed = await submit(context.env, { command: '/bin/sh -c "exit 3"' }, { retryWindowInSeconds: 0 });
    await settled(context, failed.jobId);
    const array = await mapSubmit(context.env, { command: 'true' }, [1, 2], { after: [failed] });
    return settled(context, array.jobId);
  },

  // Notifications at every status change to a receiver that answers 503 once, then 204.
  'single-notify': async (context) => {
    let answered = 0;
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(answered++ === 0 ? 503 : 204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const job = await submit(context.env, { command: 'true' }, { notify: { url, on: 'changes' } });
      return await settled(context, job.jobId);
    } finally {
      server.close();
    }
  },

  // One run of a schedule: its inputs copied, its job started as a child and waited for.
  'scheduled-single': async (context) => {
    const name = `record-${Date.now().toString(36)}`;
    const schedule = await createSchedule(context.env, name, { submit: { command: 'true' } }, { cron: '0 2 * * *' });
    await schedule.trigger();
    const handle = context.client.schedule.getHandle(scheduleIdOf(name));
    const launched = await waitFor(async () => (await handle.describe()).info.recentActions, (actions) => actions.length === 1, minute, 'the triggered run', 200);
    const workflowId = launched[0].action.workflow.workflowId;
    await settled(context, workflowId);
    await schedule.delete();
    return workflowId;
  },

  // An array with notifications at every change that continues as new: sent ones are waited for before each new run.
  'array-notify': async (context) => {
    const server = http.createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(204).end());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep $REMOTE_BATCH_CHILD_INDEX"' }, [1, 2], { notify: { url, on: 'changes' }, turnsPerRun: 1 });
      return await settled(context, array.jobId);
    } finally {
      server.close();
    }
  },

  // A job aborted while it waits for another: it ends Failed with nothing created in Azure.
  'single-after-aborted': async (context) => {
    const first = await submit(context.env, { command: '/bin/sh -c "sleep 30"' });
    const second = await submit(context.env, { command: 'true' }, { after: [first] });
    await waitFor(() => second.get('JobStatusReason'), (reason) => typeof reason === 'string' && reason.startsWith('Waiting for'), minute, 'the dependent job to wait', 200);
    await second.abort('not needed');
    await first.abort('the recording is over');
    return settled(context, second.jobId);
  },

  'array-continue-as-new': async (context) => {
    // Children end 2 s apart: several loop turns, so with one turn per run it continues as new.
    const array = await mapSubmit(context.env, { command: '/bin/sh -c "sleep $(( REMOTE_BATCH_CHILD_INDEX * 2 )); exit $(( REMOTE_BATCH_CHILD_INDEX == 3 ? 3 : 0 ))"' }, [1, 2, 3, 4], {
      retryWindowInSeconds: 1,
      turnsPerRun: 1,
    });
    return settled(context, array.jobId);
  },

};
