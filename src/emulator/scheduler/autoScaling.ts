import { compileFormula, runFormula, type FormulaRun, type SampleSeries } from '../autoscale/formula';
import { parseDuration } from '../protocol/durations';
import { poolIdOf } from '../model/settings';
import { timestamp } from '../model/timestamp';
import type { AutoScaleRun, PoolRecord } from '../model/types';
import type { BatchStore } from '../store/store';
import type { PoolManager } from './poolManager';
import type { Scheduler } from './scheduler';

/** Batch samples its metrics every 30 seconds. */
export const DEFAULT_SAMPLE_PERIOD_MS = 30_000;
/** How far back a formula can look. */
const HISTORY_MS = 24 * 3_600_000;
const DEFAULT_EVALUATION_INTERVAL_MS = 15 * 60_000;

/** The metrics a formula reads through GetSample; the emulator has no VM counters, so the byte and I/O ones stay 0. */
const SAMPLED = [
  '$CPUPercent',
  '$WallClockSeconds',
  '$MemoryBytes',
  '$DiskBytes',
  '$DiskReadBytes',
  '$DiskWriteBytes',
  '$DiskReadOps',
  '$DiskWriteOps',
  '$NetworkInBytes',
  '$NetworkOutBytes',
  '$SampleNodeCount',
  '$ActiveTasks',
  '$RunningTasks',
  '$PendingTasks',
  '$SucceededTasks',
  '$FailedTasks',
] as const;

interface History {
  series: Record<string, SampleSeries>;
  /** Tasks completed so far, to count completions per sample. */
  succeeded: number;
  failed: number;
}

const storeKey = (poolId: string): string => poolId.toLowerCase();

/**
 * Autoscale as Batch runs it: a pool with `enableAutoScale` has its formula evaluated when it is
 * enabled and then every `autoScaleEvaluationInterval`; each run is kept as the pool's
 * `autoScaleRun` and, without error, resizes the pool to the targets it set (when the pool is
 * steady). The metrics it reads are sampled from the emulator's own state every sample period
 * and at each run.
 */
export class AutoScaling {
  private readonly histories = new Map<string, History>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private sampler: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: BatchStore,
    private readonly pools: PoolManager,
    private readonly scheduler: Scheduler,
    private readonly samplePeriodMs = DEFAULT_SAMPLE_PERIOD_MS,
  ) {}

  /** Resumes the periodic runs of stored autoscale pools and starts sampling. */
  start(): void {
    for (const pool of this.store.listPools()) if (pool.spec.enableAutoScale === true && pool.state === 'active') this.schedule(pool);
    this.sampler = setInterval(() => {
      const now = Date.now();
      for (const pool of this.store.listPools()) if (pool.spec.enableAutoScale === true && pool.state === 'active') this.sample(pool, now);
    }, this.samplePeriodMs);
    this.sampler.unref();
  }

  close(): void {
    clearInterval(this.sampler);
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }

  /** Autoscale was turned on (pool add or enableautoscale): the formula runs now and then periodically. */
  enabled(pool: PoolRecord, now: Date): AutoScaleRun {
    this.schedule(pool);
    return this.run(pool, now);
  }

  disabled(pool: PoolRecord): void {
    const key = storeKey(pool.id);
    clearInterval(this.timers.get(key));
    this.timers.delete(key);
    this.histories.delete(key);
  }

  /** Evaluates a formula against the pool as it is now without applying it (evaluateautoscale). */
  evaluate(pool: PoolRecord, formula: string, now: Date): AutoScaleRun {
    this.sample(pool, now.getTime());
    return runOf(this.evaluation(pool, formula, now), now);
  }

  /** The periodic run, now (the admin route, for tests that must not wait a whole interval). */
  run(pool: PoolRecord, now: Date): AutoScaleRun {
    this.sample(pool, now.getTime());
    const evaluation = this.evaluation(pool, String(pool.spec.autoScaleFormula ?? ''), now);
    pool.autoScaleRun = runOf(evaluation, now);
    this.store.savePool(pool);
    const targets = evaluation.targets;
    const changes = targets && (targets.dedicated !== pool.targetDedicatedNodes || targets.lowPriority !== pool.targetLowPriorityNodes);
    if (targets && changes && pool.state === 'active' && pool.allocationState === 'steady') {
      void this.pools.resize(pool, targets.dedicated, targets.lowPriority, targets.nodeDeallocationOption, now);
    }
    return pool.autoScaleRun;
  }

  private schedule(pool: PoolRecord): void {
    const key = storeKey(pool.id);
    clearInterval(this.timers.get(key));
    const every = parseDuration(String(pool.spec.autoScaleEvaluationInterval ?? '')) ?? DEFAULT_EVALUATION_INTERVAL_MS;
    const timer = setInterval(() => {
      const current = this.store.getPool(pool.id);
      if (!current || current.state !== 'active' || current.spec.enableAutoScale !== true) {
        clearInterval(timer);
        this.timers.delete(key);
        return;
      }
      this.run(current, new Date());
    }, every);
    timer.unref();
    this.timers.set(key, timer);
  }

  private evaluation(pool: PoolRecord, formula: string, now: Date): FormulaRun {
    const current = this.pools.currentNodes(pool);
    const nodes = this.store.listNodes(pool.id).filter((node) => node.state !== 'leavingpool');
    return runFormula(compileFormula(formula), {
      now: now.getTime(),
      targetDedicatedNodes: pool.targetDedicatedNodes,
      targetLowPriorityNodes: pool.targetLowPriorityNodes,
      doubles: {
        $CurrentDedicatedNodes: current.dedicated,
        $CurrentLowPriorityNodes: current.lowPriority,
        $TaskSlotsPerNode: pool.taskSlotsPerNode,
        $UsableNodeCount: nodes.filter((node) => node.state === 'idle' || node.state === 'running').length,
        $PreemptedNodeCount: nodes.filter((node) => node.state === 'preempted').length,
      },
      samples: this.history(pool).series,
    });
  }

  private history(pool: PoolRecord): History {
    const key = storeKey(pool.id);
    let history = this.histories.get(key);
    if (!history) {
      history = { series: Object.fromEntries(SAMPLED.map((name) => [name, { periodMs: this.samplePeriodMs, samples: [] }])), succeeded: 0, failed: 0 };
      const totals = this.taskTotals(pool);
      history.succeeded = totals.succeeded;
      history.failed = totals.failed;
      this.histories.set(key, history);
    }
    return history;
  }

  /** One sample of every metric, from the pool's jobs' task counts and its nodes. */
  private sample(pool: PoolRecord, now: number): void {
    const history = this.history(pool);
    const totals = this.taskTotals(pool);
    const nodes = this.store.listNodes(pool.id).filter((node) => node.state !== 'leavingpool');
    const booted = nodes.filter((node) => node.lastBootTime !== undefined);
    const busySlots = booted.reduce((sum, node) => sum + this.scheduler.runningTaskCount(pool.id, node.id).slots, 0);
    const values: Record<string, number> = {
      $CPUPercent: booted.length ? (100 * busySlots) / (booted.length * pool.taskSlotsPerNode) : 0,
      $SampleNodeCount: nodes.length,
      $ActiveTasks: totals.active,
      $RunningTasks: totals.running,
      $PendingTasks: totals.active + totals.running,
      $SucceededTasks: Math.max(0, totals.succeeded - history.succeeded),
      $FailedTasks: Math.max(0, totals.failed - history.failed),
    };
    history.succeeded = totals.succeeded;
    history.failed = totals.failed;
    for (const name of SAMPLED) {
      const series = history.series[name];
      series.samples.push({ time: now, value: values[name] ?? 0 });
      while (series.samples.length && series.samples[0].time <= now - HISTORY_MS) series.samples.shift();
    }
  }

  private taskTotals(pool: PoolRecord): { active: number; running: number; succeeded: number; failed: number } {
    const totals = { active: 0, running: 0, succeeded: 0, failed: 0 };
    for (const job of this.store.listJobs()) {
      if (poolIdOf(job).toLowerCase() !== pool.id.toLowerCase()) continue;
      const { taskCounts } = this.store.taskCounts(job.id);
      if (job.state === 'active') totals.active += taskCounts.active;
      totals.running += taskCounts.running;
      totals.succeeded += taskCounts.succeeded;
      totals.failed += taskCounts.failed;
    }
    return totals;
  }
}

function runOf(evaluation: FormulaRun, now: Date): AutoScaleRun {
  return { timestamp: timestamp(now), results: evaluation.results, ...(evaluation.error ? { error: evaluation.error } : {}) };
}
