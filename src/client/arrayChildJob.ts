import { childTaskId } from '../model/arrayJob';
import { InvalidSettingError, RemoteBatchError } from '../model/errors';
import type { TaskAttempt } from '../model/failureKind';
import type { ArrayJobState } from '../model/jobStates';
import { singleJobPropertyNames, type SingleJobPropertyName, UnknownPropertyError } from './properties';
import type { ArrayJob } from './arrayJobObject';
import { readChildren } from './childRecords';
import { taskJobProperty, type TaskJobFacts } from './taskJobProperties';
import { taskJobReaders } from './taskJobReaders';
import type { JobOutputFile } from './jobObject';
import { downloadTaskOutput, listTaskOutputs } from './taskOutputs';

/** `array.child(n)` beyond the array's children; thrown on first use, since child() itself does not look. */
export class ChildNotFoundError extends RemoteBatchError {
  constructor(readonly jobId: string, readonly index: number, readonly childCount: number) {
    super(`child: array job ${jobId} has children 1 to ${childCount}; there is no child ${index}.`, 'ChildNotFound', 404);
    this.name = 'ChildNotFoundError';
  }
}

/** The seed's "ArrayChild" job object: child n of an array (1-based), with a Single job's properties. */
export class ArrayChildJob {
  readonly jobType = 'ArrayChild';

  constructor(readonly array: ArrayJob, readonly index: number) {}

  get taskId(): string {
    return childTaskId(this.index);
  }

  /** The array's state, once it is known that this child exists. */
  private async arrayState(): Promise<ArrayJobState> {
    const state = await this.array.state();
    if (this.index > state.childCount) throw new ChildNotFoundError(this.array.jobId, this.index, state.childCount);
    return state;
  }

  async facts(): Promise<TaskJobFacts & { result: unknown; attempts: TaskAttempt[] }> {
    const state = await this.arrayState();
    const [child] = await readChildren(this.array.environment, state, this.index, this.index);
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
  }

  async get(property: string): Promise<unknown> {
    if (!(singleJobPropertyNames as readonly string[]).includes(property)) throw new UnknownPropertyError(property, singleJobPropertyNames);
    const facts = await this.facts();
    const readers = taskJobReaders(this.array.environment, facts, { result: { value: facts.result }, attempts: facts.attempts });
    return taskJobProperty(property as SingleJobPropertyName, facts, this.array.environment, readers);
  }

  /** Files this child wrote under ./JobOutput/. */
  async outputs(): Promise<JobOutputFile[]> {
    await this.arrayState();
    return listTaskOutputs(this.array.environment, this.array.jobId, this.taskId);
  }

  async downloadOutput(name: string, destination: string): Promise<void> {
    const file = (await this.outputs()).find((output) => output.name === name);
    if (!file) throw new InvalidSettingError('name', `Child ${this.index} of ${this.array.jobId} has no output file '${name}'.`);
    await downloadTaskOutput(this.array.environment, this.array.jobId, file, destination);
  }

  /** Ends this child alone: its task is terminated and it ends Failed with the reason. */
  async abort(reason = 'no reason given'): Promise<void> {
    await this.array.abortChild(this.index, reason);
  }
}
