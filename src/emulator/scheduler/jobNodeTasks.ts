import { preparationTaskOf, releaseTaskOf, type JobNodeTaskSettings } from '../model/settings';
import { timestamp } from '../model/timestamp';
import type { JobNodeTasks, JobRecord, JobTaskExecution, NodeRecord, PoolRecord } from '../model/types';
import type { AttemptOutcome } from '../node/taskRunner';
import type { BatchStore } from '../store/store';
import { storeKey } from '../store/store';
import type { NodeAgent } from './nodeAgent';
import { decideAttempt } from './outcome';

const nodeKey = (poolId: string, nodeId: string): string => `${storeKey(poolId)}/${storeKey(nodeId)}`;
const runKey = (jobId: string, poolId: string, nodeId: string): string => `${storeKey(jobId)}/${nodeKey(poolId, nodeId)}`;

/**
 * A job's preparation and release tasks, as Batch runs them: the preparation task on a
 * node when the job's first task is assigned there (with `waitForSuccess` the task stays
 * `preparing` until it succeeded, and goes back to active, for another node, if it failed),
 * again after a reimage or (with `rerunOnNodeRebootAfterSuccess`) a reboot; the release
 * task, when the job ends, on every node where the job's tasks could run after it.
 */
export class JobNodeTaskRunner {
  private readonly releasing = new Map<string, Promise<void>>();
  private readonly preparing = new Map<string, Promise<boolean>>();

  constructor(
    private readonly store: BatchStore,
    private readonly agent: Pick<NodeAgent, 'runJobNodeTask' | 'stopJobNodeTasks'>,
    private readonly kick: () => void,
  ) {}

  /** The job's tasks avoid a node where its preparation task failed (with `waitForSuccess`). */
  mayRunOn(job: JobRecord, pool: PoolRecord, node: NodeRecord): boolean {
    const settings = preparationTaskOf(job);
    if (!settings?.waitForSuccess) return true;
    const preparation = this.entry(job, pool.id, node.id)?.preparation;
    return !(preparation?.state === 'completed' && preparation.result === 'failure');
  }

  /**
   * A task of the job was assigned to the node: the preparation task runs there first if it
   * has not. Resolves whether the task may start (undefined: at once); without
   * `waitForSuccess` the task never waits.
   */
  preparedOn(job: JobRecord, pool: PoolRecord, node: NodeRecord): Promise<boolean> | undefined {
    const settings = preparationTaskOf(job);
    if (!settings) return undefined;
    const preparation = this.entry(job, pool.id, node.id)?.preparation;
    let running = this.preparing.get(runKey(job.id, pool.id, node.id));
    if (!preparation && !running) running = this.prepare(job, pool, node, settings);
    if (!settings.waitForSuccess) return undefined;
    if (running) return running;
    return preparation?.result === 'success' ? undefined : Promise.resolve(false);
  }

  /** What must happen before the job can complete: preparation tasks stopped, release tasks run. */
  pendingAtEnd(job: JobRecord): boolean {
    const release = releaseTaskOf(job) !== undefined;
    return (job.nodeTasks ?? []).some(
      (entry) => entry.preparation?.state === 'running' || entry.release?.state === 'running' || (release && this.releasesOn(job, entry) && !entry.release),
    );
  }

  /** Ends the job's preparation tasks, then runs its release task where preparation ran. Once per job. */
  finish(job: JobRecord): Promise<void> {
    const key = storeKey(job.id);
    let finishing = this.releasing.get(key);
    if (!finishing) {
      finishing = this.release(job).finally(() => this.releasing.delete(key));
      this.releasing.set(key, finishing);
    }
    return finishing;
  }

  /** After a reimage, or a reboot when the job asks for it, the preparation task runs again there. */
  nodeRestarted(poolId: string, nodeId: string, reimaged: boolean): void {
    for (const job of this.store.listJobs()) {
      const entry = this.entry(job, poolId, nodeId);
      if (!entry?.preparation || !(reimaged || preparationTaskOf(job)?.rerunOnNodeRebootAfterSuccess)) continue;
      this.forget(job, entry);
    }
  }

  /** After a restart: runs that were under way when the emulator stopped run again when needed. */
  recover(job: JobRecord): void {
    for (const entry of [...(job.nodeTasks ?? [])]) {
      if (entry.release?.state === 'running') delete entry.release;
      if (entry.preparation?.state === 'running') this.forget(job, entry);
    }
    if (job.nodeTasks) this.store.saveJob(job);
  }

  private prepare(job: JobRecord, pool: PoolRecord, node: NodeRecord, settings: JobNodeTaskSettings): Promise<boolean> {
    const key = runKey(job.id, pool.id, node.id);
    const running = this.runPreparation(job, pool, node, settings).finally(() => this.preparing.delete(key));
    this.preparing.set(key, running);
    return running;
  }

  /** Resolves true when the preparation task succeeded on the node. */
  private async runPreparation(job: JobRecord, pool: PoolRecord, node: NodeRecord, settings: JobNodeTaskSettings): Promise<boolean> {
    const entry = this.entryFor(job, pool.id, node.id);
    entry.preparation = { state: 'running', startTime: timestamp(), retryCount: 0 };
    this.store.saveJob(job);
    for (;;) {
      const outcome = await this.agent.runJobNodeTask(job, pool, node, settings);
      const current = this.store.getJob(job.id);
      const preparation = current && this.entry(current, pool.id, node.id)?.preparation;
      if (!current || !preparation || stoppedByShutdown(outcome)) return false;
      const decision = decideAttempt(outcome, { retryCount: preparation.retryCount, ...settings });
      if (decision.kind === 'requeue' || decision.kind === 'returnToActive') {
        // The node went away mid-run: the preparation task runs again when the job's tasks next go there.
        this.forget(current, this.entry(current, pool.id, node.id)!);
      } else if (decision.kind === 'retry') {
        preparation.retryCount++;
        preparation.lastRetryTime = preparation.startTime = timestamp();
        preparation.exitCode = decision.exitCode;
        this.store.saveJob(current);
        continue;
      } else {
        completeRun(preparation, decision);
        this.store.saveJob(current);
      }
      this.kick();
      return preparation.result === 'success';
    }
  }

  private async release(job: JobRecord): Promise<void> {
    await this.agent.stopJobNodeTasks(job.id, 'terminated');
    const settings = releaseTaskOf(job);
    if (!settings) return;
    const entries = (job.nodeTasks ?? []).filter((entry) => this.releasesOn(job, entry) && !entry.release);
    await Promise.all(entries.map((entry) => this.runRelease(job, entry, settings)));
  }

  private async runRelease(job: JobRecord, entry: JobNodeTasks, settings: JobNodeTaskSettings): Promise<void> {
    const pool = this.store.getPool(entry.poolId);
    const node = pool && this.store.getNode(pool.id, entry.nodeId);
    // A node that has left the pool has nothing left to clean up.
    if (!pool || !node) return;
    const release: JobTaskExecution = { state: 'running', startTime: timestamp(), retryCount: 0 };
    entry.release = release;
    this.store.saveJob(job);
    const outcome = await this.agent.runJobNodeTask(job, pool, node, settings);
    if (stoppedByShutdown(outcome) || !this.store.getJob(job.id)) return;
    const decision = decideAttempt(outcome, { retryCount: 0, ...settings });
    // The release task never retries; one whose node went away mid-run did not complete.
    if (decision.kind === 'complete') completeRun(release, decision);
    else delete entry.release;
    this.store.saveJob(job);
  }

  /** Where the job's tasks could run after the preparation task, the release task runs at the end. */
  private releasesOn(job: JobRecord, entry: JobNodeTasks): boolean {
    const preparation = entry.preparation;
    return preparation?.state === 'completed' && (preparation.result === 'success' || preparationTaskOf(job)?.waitForSuccess === false);
  }

  private entry(job: JobRecord, poolId: string, nodeId: string): JobNodeTasks | undefined {
    if (!job.nodeTasks) return undefined;
    const key = nodeKey(poolId, nodeId);
    return job.nodeTasks.find((entry) => nodeKey(entry.poolId, entry.nodeId) === key);
  }

  private entryFor(job: JobRecord, poolId: string, nodeId: string): JobNodeTasks {
    const existing = this.entry(job, poolId, nodeId);
    if (existing) return existing;
    const entries = (job.nodeTasks ??= []);
    const entry: JobNodeTasks = { seq: entries.reduce((max, other) => Math.max(max, other.seq), -1) + 1, poolId, nodeId };
    entries.push(entry);
    return entry;
  }

  private forget(job: JobRecord, entry: JobNodeTasks): void {
    job.nodeTasks = job.nodeTasks?.filter((other) => other !== entry);
    this.store.saveJob(job);
  }
}

function stoppedByShutdown(outcome: AttemptOutcome): boolean {
  return outcome.kind === 'stopped' && outcome.reason === 'shutdown';
}

function completeRun(run: JobTaskExecution, result: { exitCode?: number; failureInfo?: JobTaskExecution['failureInfo'] }): void {
  run.state = 'completed';
  run.endTime = timestamp();
  if (result.exitCode !== undefined) run.exitCode = result.exitCode;
  run.result = result.failureInfo ? 'failure' : 'success';
  if (result.failureInfo) run.failureInfo = result.failureInfo;
  else delete run.failureInfo;
}
