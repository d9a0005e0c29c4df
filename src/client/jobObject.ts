import { WorkflowNotFoundError } from '@temporalio/client';
import { singleJobTaskId } from '../model/conventions';
import { JobStateError } from '../model/errors';
import type { SingleJobState } from '../model/jobStates';
import { isFinished } from '../model/status';
import type { BatchEnvironment } from './environment';
import { isSingleJobState, JobNotFoundError, latestRun, readJobState } from './jobState';
import { checkRetryable, startRetryRun } from './retryRun';
import { abortSignal, abortUpdate, reasonProblem } from '../workflows/messages';
import { singleJobPropertyNames, type SingleJobPropertyName, UnknownPropertyError } from './properties';
import { taskJobProperty, type TaskJobFacts } from './taskJobProperties';
import { taskJobReaders } from './taskJobReaders';
import { withEarlierRuns } from '../model/failureKind';
import { InvalidSettingError } from '../model/errors';
import { downloadTaskOutput, listTaskOutputs } from './taskOutputs';
import { jobLogs, type JobLogsOptions } from './logs';
import { waitForEnd, type WaitOptions } from './waitForEnd';

export interface JobOutputFile {
  /** Path under ./JobOutput/ as the job wrote it. */
  name: string;
  size: number;
  blobName: string;
}

export { JobNotFoundError } from './jobState';

/** The seed's RemoteBatchJobObject for a Single job: a handle by id; every property is read fresh. */
export class BatchJob {
  readonly jobType = 'Single';

  constructor(readonly environment: BatchEnvironment, readonly jobId: string) {}

  private async handle() {
    return (await this.environment.client()).workflow.getHandle(this.jobId);
  }

  /** The workflow's memo holds the state, so it reads even when no worker is running. */
  state(): Promise<SingleJobState> {
    return readJobState(this.environment, this.jobId, isSingleJobState);
  }

  async get(property: 'JobStatus'): Promise<SingleJobState['status']>;
  async get(property: SingleJobPropertyName): Promise<unknown>;
  async get(property: string): Promise<unknown> {
    if (!(singleJobPropertyNames as readonly string[]).includes(property)) {
      throw new UnknownPropertyError(property, singleJobPropertyNames);
    }
    const state = await this.state();
    const facts: TaskJobFacts = { ...state, jobType: 'Single', uuid: this.jobId.replace(/^rb-/, '') };
    const readers = taskJobReaders(this.environment, state);
    const attempts = async () => withEarlierRuns(await readers.attempts(), state.attempts);
    return taskJobProperty(property as SingleJobPropertyName, facts, this.environment, { ...readers, attempts });
  }

  /** Every property at once, as a plain object. */
  async properties(): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      singleJobPropertyNames.filter((name) => name !== 'Properties').map(async (name) => [name, await this.get(name)] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Resolves with the final status once the job has ended. */
  async wait(options: WaitOptions = {}): Promise<SingleJobState['status']> {
    return waitForEnd(this.environment, this.jobId, async () => {
      const { status } = await this.state();
      return isFinished(status) ? status : undefined;
    }, options);
  }

  /**
   * The seed's RemoteBatchJobAbort: terminates the Azure job with a reason that
   * says the client asked. Returns false when the job had already ended (a
   * no-op). With `waitForTermination` it returns only once Azure has terminated
   * the job (a Temporal update, so it needs a running worker); otherwise it is a
   * signal, recorded even while no worker runs and carried out when one is back.
   */
  async abort(reason = 'no reason given', options: { waitForTermination?: boolean } = {}): Promise<boolean> {
    const problem = reasonProblem(reason);
    if (problem) throw new InvalidSettingError('reason', `abort ${problem}`);
    const state = await this.state();
    if (isFinished(state.status)) return false;
    const handle = await this.handle();
    try {
      if (options.waitForTermination) await handle.executeUpdate(abortUpdate, { args: [reason] });
      else await handle.signal(abortSignal, reason);
      return true;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    }
  }

  /**
   * Reruns a Failed job over its Azure job (within its retry window): a new run
   * under the same workflow id, linked to the failed one; `JobAttempts` lists
   * every attempt. Resolves with the new attempt's number (as JobAttempts will
   * number it) once it has started.
   */
  async retry(options: { abortSignal?: AbortSignal } = {}): Promise<number> {
    let run = await latestRun<SingleJobState>(this.environment, this.jobId);
    if (!run.state || !isSingleJobState(run.state)) throw new JobNotFoundError(this.jobId, this.environment);
    // The job has ended and its run is closing (opening the retry window): a moment, not a refusal.
    if (run.running && isFinished(run.state.status)) {
      const client = await this.environment.client();
      const closing = AbortSignal.any([AbortSignal.timeout(20_000), ...(options.abortSignal ? [options.abortSignal] : [])]);
      await client.withAbortSignal(closing, () => client.workflow.getHandle(this.jobId, run.runId).result()).catch(() => undefined);
      options.abortSignal?.throwIfAborted();
      run = await latestRun<SingleJobState>(this.environment, this.jobId);
    }
    const state = run.state!;
    if (run.running) throw new JobStateError(`${this.jobId} is still ${state.status}: it can be retried once it has failed.`, this.jobId);
    checkRetryable(state, state.status === 'Failed');
    const attempt = ((await this.get('JobAttempts')) as unknown[]).length + 1;
    await startRetryRun(this.environment, 'singleJob', state, run.runId);
    return attempt;
  }

  /** The job's log as it grows (`follow`), from the node while it runs and from Blob Storage after. */
  logs(options: JobLogsOptions = {}): AsyncGenerator<string> {
    return jobLogs(this, options);
  }

  /** Files the job wrote under ./JobOutput/, as uploaded to Blob Storage (listed once the job has ended). */
  async outputs(): Promise<JobOutputFile[]> {
    return listTaskOutputs(this.environment, this.jobId, singleJobTaskId);
  }

  /** Downloads one output file (by its name under JobOutput/) to a local path. */
  async downloadOutput(name: string, destination: string): Promise<void> {
    const file = (await this.outputs()).find((output) => output.name === name);
    if (!file) throw new InvalidSettingError('name', `Job ${this.jobId} has no output file '${name}'.`);
    await downloadTaskOutput(this.environment, this.jobId, file, destination);
  }
}

export function jobObject(env: BatchEnvironment, jobId: string): BatchJob {
  return new BatchJob(env, jobId);
}
