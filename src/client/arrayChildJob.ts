import { childTaskId } from '../model/arrayJob';
import { InvalidSettingError, RemoteBatchError } from '../model/errors';
import type { TaskAttempt } from '../model/failureKind';
import type { ArrayJobState } from '../model/jobStates';
import { isFinished, type SingleJobStatus } from '../model/status';
import { abortable, type OperationOptions } from './abort';
import { readChildren } from './childRecords';
import type { BatchEnvironment } from './environment';
import { jobLogs, type JobLogsOptions } from './logs';
import { singleJobPropertyNames, type SingleJobPropertyName, UnknownPropertyError } from './properties';
import { taskJobProperty, type TaskJobFacts } from './taskJobProperties';
import { taskJobReaders } from './taskJobReaders';
import { downloadTaskOutput, type JobOutputFile, listTaskOutputs } from './taskOutputs';
import { waitForEnd, type WaitOptions } from './waitForEnd';

/**
 * `array.child(n)` beyond the array's children (thrown on first use, since
 * child() itself does not look), or a child of a Single job (no `childCount`).
 */
export class ChildNotFoundError extends RemoteBatchError {
  constructor(readonly jobId: string, readonly index: number, readonly childCount?: number) {
    super(
      childCount === undefined
        ? `${jobId} is a Single job; it has no child ${index} (name it without '/${index}').`
        : `array job ${jobId} has children 1 to ${childCount}; there is no child ${index}.`,
      'ChildNotFound',
      404,
    );
    this.name = 'ChildNotFoundError';
  }
}

/** What a child needs of its array: an ArrayJob. */
export interface ParentArray {
  readonly environment: BatchEnvironment;
  readonly jobId: string;
  state(options?: OperationOptions): Promise<ArrayJobState>;
  abortChild(index: number, reason?: string, options?: OperationOptions): Promise<void>;
}

/** The seed's "ArrayChild" job object: child n of an array (1-based), with a Single job's properties. */
export class ArrayChildJob {
  readonly jobType = 'ArrayChild';

  constructor(readonly array: ParentArray, readonly index: number) {}

  get environment(): BatchEnvironment {
    return this.array.environment;
  }

  /** `rb-…/n`, as the CLI and job listings name it. */
  get jobId(): string {
    return `${this.array.jobId}/${this.index}`;
  }

  get taskId(): string {
    return childTaskId(this.index);
  }

  /** The array's state, once it is known that this child exists. */
  private async arrayState(signal?: AbortSignal): Promise<ArrayJobState> {
    const state = await this.array.state({ abortSignal: signal });
    if (this.index > state.childCount) throw new ChildNotFoundError(this.array.jobId, this.index, state.childCount);
    return state;
  }

  /** What is known of this child now: its status, times, exit code and result. */
  state(options: OperationOptions = {}): Promise<TaskJobFacts & { result: unknown; attempts: TaskAttempt[] }> {
    return abortable(options.abortSignal, async (signal) => {
      const state = await this.arrayState(signal);
      const [child] = await readChildren(this.environment, state, { first: this.index, last: this.index }, signal);
      return {
        jobType: 'ArrayChild',
        uuid: `${this.array.jobId.replace(/^rb-/, '')}/${this.index}`,
        status: child.status,
        statusReason: child.reason,
        exitCode: child.exitCode,
        jobId: state.jobId,
        taskId: this.taskId,
        submittedAt: state.submittedAt,
        startedAt: child.startTime,
        completedAt: child.endTime,
        inputNames: state.inputNames,
        settings: state.settings,
        ...(state.name !== undefined ? { name: state.name } : {}),
        ...(state.labels !== undefined ? { labels: state.labels } : {}),
        result: child.result,
        attempts: child.attempts ?? [],
      };
    });
  }

  async get(property: string, options: OperationOptions = {}): Promise<unknown> {
    if (!(singleJobPropertyNames as readonly string[]).includes(property)) throw new UnknownPropertyError(property, singleJobPropertyNames);
    return abortable(options.abortSignal, async (signal) => {
      const facts = await this.state({ abortSignal: signal });
      const readers = taskJobReaders(this.environment, facts, { result: { value: facts.result }, attempts: facts.attempts }, signal);
      return taskJobProperty(property as SingleJobPropertyName, facts, this.environment, readers);
    });
  }

  /** Resolves with the child's final status once it has ended (its array may still run). */
  wait(options: WaitOptions = {}): Promise<SingleJobStatus> {
    return waitForEnd(
      this.environment,
      this.array.jobId,
      async (signal) => {
        const { status } = await this.state({ abortSignal: signal });
        return isFinished(status) ? status : undefined;
      },
      options,
    );
  }

  /** The child's log as it grows (`follow`), from the node while it runs and from Blob Storage after. */
  logs(options: JobLogsOptions = {}): AsyncGenerator<string> {
    return jobLogs(this, options);
  }

  /** Files this child wrote under ./JobOutput/. */
  outputs(options: OperationOptions = {}): Promise<JobOutputFile[]> {
    return abortable(options.abortSignal, async (signal) => {
      await this.arrayState(signal);
      return listTaskOutputs(this.environment, this.array.jobId, this.taskId, signal);
    });
  }

  async downloadOutput(name: string, destination: string, options: OperationOptions = {}): Promise<void> {
    const file = (await this.outputs(options)).find((output) => output.name === name);
    if (!file) throw new InvalidSettingError('name', `Child ${this.index} of ${this.array.jobId} has no output file '${name}'.`);
    await downloadTaskOutput(this.environment, this.array.jobId, file, destination, options.abortSignal);
  }

  /**
   * Ends this child alone: its task is terminated and it ends Failed with the reason.
   *
   * @returns true when the abort was requested; **false when the child had
   * already ended** (nothing to abort). Refused once the whole array has ended.
   */
  async abort(reason = 'no reason given', options: OperationOptions = {}): Promise<boolean> {
    if (isFinished((await this.state(options)).status)) return false;
    await this.array.abortChild(this.index, reason, options);
    return true;
  }
}
