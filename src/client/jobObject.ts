import { WorkflowNotFoundError } from '@temporalio/client';
import { singleJobTaskId } from '../model/conventions';
import { InvalidSettingError, JobStateError } from '../model/errors';
import { withEarlierRuns } from '../model/failureKind';
import type { SingleJobState } from '../model/jobStates';
import { isFinished } from '../model/status';
import { abortSignal, abortUpdate, reasonProblem } from '../workflows/messages';
import { abortable, type OperationOptions, withTemporal } from './abort';
import type { BatchEnvironment } from './environment';
import { isSingleJobState, JobNotFoundError, latestRun, readJobState } from './jobState';
import { jobLogs, type JobLogsOptions } from './logs';
import { singleJobPropertyNames, type SingleJobPropertyName, UnknownPropertyError } from './properties';
import { checkRetryable, startRetryRun } from './retryRun';
import { taskJobProperty, type TaskJobFacts } from './taskJobProperties';
import { taskJobReaders } from './taskJobReaders';
import { downloadTaskOutput, type JobOutputFile, listTaskOutputs } from './taskOutputs';
import { waitForEnd, type WaitOptions } from './waitForEnd';

export interface AbortJobOptions extends OperationOptions {
  /**
   * Resolve only once Azure has terminated the job (a Temporal update, so it
   * needs a running worker); otherwise the abort is a signal, recorded even
   * while no worker runs and carried out when one is back.
   */
  waitForTermination?: boolean;
}

/** The seed's RemoteBatchJobObject for a Single job: a handle by id; every property is read fresh. */
export class BatchJob {
  readonly jobType = 'Single';

  constructor(readonly environment: BatchEnvironment, readonly jobId: string) {}

  /** The workflow's memo holds the state, so it reads even when no worker is running. */
  state(options: OperationOptions = {}): Promise<SingleJobState> {
    return readJobState(this.environment, this.jobId, isSingleJobState, options.abortSignal);
  }

  /** A property by its seed name (`Properties` lists them); an unknown name is an UnknownPropertyError. */
  async get(property: 'JobStatus', options?: OperationOptions): Promise<SingleJobState['status']>;
  async get(property: string, options?: OperationOptions): Promise<unknown>;
  async get(property: string, options: OperationOptions = {}): Promise<unknown> {
    if (!(singleJobPropertyNames as readonly string[]).includes(property)) {
      throw new UnknownPropertyError(property, singleJobPropertyNames);
    }
    return abortable(options.abortSignal, async (signal) => {
      const state = await this.state({ abortSignal: signal });
      const facts: TaskJobFacts = { ...state, jobType: 'Single', uuid: this.jobId.replace(/^rb-/, '') };
      const readers = taskJobReaders(this.environment, state, {}, signal);
      const attempts = async () => withEarlierRuns(await readers.attempts(), state.attempts);
      return taskJobProperty(property as SingleJobPropertyName, facts, this.environment, { ...readers, attempts });
    });
  }

  /** Every property at once, as a plain object. */
  async properties(options: OperationOptions = {}): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      singleJobPropertyNames.filter((name) => name !== 'Properties').map(async (name) => [name, await this.get(name, options)] as const),
    );
    return Object.fromEntries(entries);
  }

  /** Resolves with the final status once the job has ended. */
  wait(options: WaitOptions = {}): Promise<SingleJobState['status']> {
    return waitForEnd(
      this.environment,
      this.jobId,
      async (signal) => {
        const { status } = await this.state({ abortSignal: signal });
        return isFinished(status) ? status : undefined;
      },
      options,
    );
  }

  /**
   * The seed's RemoteBatchJobAbort: terminates the Azure job with a reason that
   * says the client asked, and the job ends Failed with it.
   *
   * @returns true when the abort was requested (or, with `waitForTermination`,
   * done); **false when the job had already ended** — Succeeded or Failed,
   * there is nothing to abort, and it stays as it was.
   */
  async abort(reason = 'no reason given', options: AbortJobOptions = {}): Promise<boolean> {
    const problem = reasonProblem(reason);
    if (problem) throw new InvalidSettingError('reason', `abort ${problem}`);
    return withTemporal(this.environment, options.abortSignal, async (client) => {
      const state = await this.state();
      if (isFinished(state.status)) return false;
      const handle = client.workflow.getHandle(this.jobId);
      try {
        if (options.waitForTermination) await handle.executeUpdate(abortUpdate, { args: [reason] });
        else await handle.signal(abortSignal, reason);
        return true;
      } catch (error) {
        if (error instanceof WorkflowNotFoundError) return false;
        throw error;
      }
    });
  }

  /**
   * Reruns a Failed job over its Azure job (within its retry window): a new run
   * under the same workflow id, linked to the failed one; `JobAttempts` lists
   * every attempt. Resolves with the new attempt's number (as JobAttempts will
   * number it) once it has started.
   */
  retry(options: OperationOptions = {}): Promise<number> {
    return withTemporal(this.environment, options.abortSignal, async (client, signal) => {
      let run = await latestRun<SingleJobState>(this.environment, this.jobId);
      if (!run.state || !isSingleJobState(run.state)) throw new JobNotFoundError(this.jobId, this.environment);
      // The job has ended and its run is closing (opening the retry window): a moment, not a refusal.
      if (run.running && isFinished(run.state.status)) {
        const closing = AbortSignal.any([AbortSignal.timeout(20_000), ...(signal ? [signal] : [])]);
        await client.withAbortSignal(closing, () => client.workflow.getHandle(this.jobId, run.runId).result()).catch(() => undefined);
        signal?.throwIfAborted();
        run = await latestRun<SingleJobState>(this.environment, this.jobId);
      }
      const state = run.state!;
      if (run.running) throw new JobStateError(`${this.jobId} is still ${state.status}: it can be retried once it has failed.`, this.jobId);
      checkRetryable(state, state.status === 'Failed');
      const attempt = ((await this.get('JobAttempts', { abortSignal: signal })) as unknown[]).length + 1;
      await startRetryRun(this.environment, 'singleJob', state, run.runId);
      return attempt;
    });
  }

  /** The job's log as it grows (`follow`), from the node while it runs and from Blob Storage after. */
  logs(options: JobLogsOptions = {}): AsyncGenerator<string> {
    return jobLogs(this, options);
  }

  /** Files the job wrote under ./JobOutput/, as uploaded to Blob Storage (listed once the job has ended). */
  outputs(options: OperationOptions = {}): Promise<JobOutputFile[]> {
    return listTaskOutputs(this.environment, this.jobId, singleJobTaskId, options.abortSignal);
  }

  /** Downloads one output file (by its name under JobOutput/) to a local path. */
  async downloadOutput(name: string, destination: string, options: OperationOptions = {}): Promise<void> {
    const file = (await this.outputs(options)).find((output) => output.name === name);
    if (!file) throw new InvalidSettingError('name', `Job ${this.jobId} has no output file '${name}'.`);
    await downloadTaskOutput(this.environment, this.jobId, file, destination, options.abortSignal);
  }
}
