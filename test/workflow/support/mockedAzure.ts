import { CancelledFailure, Context } from '@temporalio/activity';
import type { Activities } from '../../../src/activities';
import { dependencyActivities } from '../../../src/activities/dependencies';
import { workflowHistoryActivities } from '../../../src/activities/workflowHistory';

export interface ActivityCall {
  name: keyof Activities;
  input: Record<string, unknown>;
  /** The workflow run that made the call. */
  runId: string;
  /** How the call ended, once it has: 'cancelled' when the workflow cancelled it. */
  ended?: 'completed' | 'failed' | 'cancelled';
  /** The activity's attempt (1 for the first), and when it started by the clock. */
  attempt: number;
  startedAt: number;
}

/** A promise a test settles by hand: what a held activity waits for. */
export class Release<T = void> {
  resolve!: (value: T) => void;
  reject!: (error: Error) => void;
  readonly promise = new Promise<T>((resolve, reject) => {
    this.resolve = resolve;
    this.reject = reject;
  });
}

/**
 * Waits for `release` as a real watcher waits on Batch: heartbeating, and
 * ending as soon as the workflow cancels the activity.
 */
export async function heldUntil<T>(release: Release<T>): Promise<T> {
  const context = Context.current();
  // A local activity cannot heartbeat; it learns of its cancellation all the same.
  const beat = context.info.isLocal ? undefined : setInterval(() => context.heartbeat('held by the test'), 200);
  try {
    return await Promise.race([release.promise, context.cancelled]);
  } finally {
    clearInterval(beat);
  }
}

type Behaviour = { [K in keyof Activities]: (input: Parameters<Activities[K]>[0]) => ReturnType<Activities[K]> };

/**
 * What a healthy Azure answers: everything succeeds, a task runs and exits 0,
 * an array's children complete as soon as they are added (an aborted child
 * Failed, the others Succeeded).
 */
function healthyAzure(): Omit<Behaviour, 'previousRun' | 'cancellationRequester' | 'waitForDependencies'> {
  let cursor = 0;
  const abortedChildren = new Set<number>();
  return {
    prepareAzureJob: async () => undefined,
    addSingleTask: async () => undefined,
    endAzureJob: async () => undefined,
    setMaxParallel: async () => true,
    openRetryWindow: async () => undefined,
    rerunSingleTask: async () => undefined,
    waitForTaskStart: async () => ({ state: 'running', startTime: new Date().toISOString() }),
    waitForTaskEnd: async (input) =>
      input.abortReason !== undefined
        ? { status: 'Failed', statusReason: input.abortReason, hasResult: false }
        : { status: 'Succeeded', statusReason: 'The task exited with code 0 and its outputs were uploaded.', exitCode: 0, hasResult: input.expectsResult },
    addArrayChildren: async (input) => input.to - input.from + 1,
    pollArrayProgress: async (input) => {
      const failed = [...abortedChildren].filter((child) => child <= input.added).length;
      return {
        counts: { active: input.childCount - input.added, running: 0, succeeded: input.added - failed, failed },
        cursor: `cursor-${++cursor}`,
        allCompleted: input.added === input.childCount,
      };
    },
    abortArrayChild: async (input) => {
      abortedChildren.add(input.child);
    },
    failUnfinishedChildren: async () => 0,
    rerunFailedChildren: async () => 0,
    publishArrayResults: async () => undefined,
    deliverNotification: async () => ({ httpStatus: 204, attempts: 1 }),
    copyScheduleInputs: async () => undefined,
  };
}

/**
 * The job activities with Azure mocked (the real Batch and Blob calls are
 * tested against the emulator and Azurite in the emulator and e2e suites):
 * each call is recorded, and each activity answers as `healthyAzure` does
 * unless a test gives it other behaviour. Reading earlier runs, who
 * cancelled and the states of the jobs one depends on stay the real
 * activities: they read only Temporal.
 */
export class MockedAzure {
  readonly calls: ActivityCall[] = [];
  /** What each activity does by default, for a behaviour that answers as Azure would after all. */
  readonly healthy = healthyAzure();
  private readonly behaviour: Behaviour = { ...this.healthy, ...workflowHistoryActivities(), ...dependencyActivities() };
  private readonly listeners: Array<() => boolean> = [];

  /** Gives an activity other behaviour from now on. */
  on<K extends keyof Activities>(name: K, behaviour: Behaviour[K]): this {
    this.behaviour[name] = behaviour;
    return this;
  }

  /**
   * Holds every call of `name` from now on until the test releases it (the
   * call heartbeats meanwhile, and ends if the workflow cancels it); then it
   * does what it did before.
   */
  hold(name: keyof Activities): Release {
    const gate = this.gate(name);
    const release = new Release();
    void release.promise.then(() => gate.open());
    return release;
  }

  /**
   * Holds each call of `name` from now on until the test lets it through
   * (`pass()` lets the next held or coming call through, `open()` every
   * one from then on); a call let through does what it did before.
   */
  gate<K extends keyof Activities>(name: K): { pass(): void; open(): void } {
    const waiting: Release[] = [];
    let passes = 0;
    let opened = false;
    const before = this.behaviour[name];
    this.on(name, (async (input: Parameters<Activities[K]>[0]) => {
      if (!opened) {
        if (passes > 0) passes--;
        else {
          const turn = new Release();
          waiting.push(turn);
          await heldUntil(turn);
        }
      }
      return before(input as never);
    }) as unknown as Behaviour[K]);
    return {
      pass: () => {
        const next = waiting.shift();
        if (next) next.resolve();
        else passes++;
      },
      open: () => {
        opened = true;
        for (const turn of waiting.splice(0)) turn.resolve();
      },
    };
  }

  callsOf(name: keyof Activities): ActivityCall[] {
    return this.calls.filter((call) => call.name === name);
  }

  /** The inputs of every call of `name` so far, in order. */
  inputsOf<K extends keyof Activities>(name: K): Parameters<Activities[K]>[0][] {
    return this.calls.filter((call) => call.name === name).map((call) => call.input as Parameters<Activities[K]>[0]);
  }

  names(): (keyof Activities)[] {
    return this.calls.map((call) => call.name);
  }

  /** Resolves once `name` has been called `count` times (a held activity has then started). */
  called(name: keyof Activities, count = 1, timeoutMs = 20_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name} was called ${this.inputsOf(name).length} times within ${timeoutMs} ms, not ${count}; calls: ${this.names().join(', ')}`)), timeoutMs);
      const check = () => {
        if (this.inputsOf(name).length < count) return false;
        clearTimeout(timer);
        resolve();
        return true;
      };
      if (!check()) this.listeners.push(check);
    });
  }

  get activities(): Activities {
    const entries = (Object.keys(this.behaviour) as (keyof Activities)[]).map((name) => [
      name,
      (input: Record<string, unknown>) => {
        const { info } = Context.current();
        const call: ActivityCall = { name, input, runId: info.workflowExecution?.runId ?? '', attempt: info.attempt, startedAt: Date.now() };
        this.calls.push(call);
        // The behaviour of the moment of the call: a test that changes it once it has seen this call changes the next one.
        const behaviour = this.behaviour[name] as (input: unknown) => unknown;
        for (const listener of [...this.listeners]) if (listener()) this.listeners.splice(this.listeners.indexOf(listener), 1);
        const running = Promise.resolve().then(() => behaviour(input));
        running.then(
          () => (call.ended = 'completed'),
          (error: unknown) => (call.ended = error instanceof CancelledFailure ? 'cancelled' : 'failed'),
        );
        return running;
      },
    ]);
    return Object.fromEntries(entries) as Activities;
  }
}
