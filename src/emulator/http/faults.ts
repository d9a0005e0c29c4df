import { ErrorFactory } from '../errors/errorFactory';

/** Fault injection for resilience tests; every field is off by default. */
export interface FaultOptions {
  /** Fraction (0..1) of requests answered with an error instead of being served. */
  errorRate?: number;
  /** Which errors to answer with; picked uniformly. Default all three. */
  errorKinds?: Array<'serverBusy' | 'internalError' | 'tooManyRequests'>;
  /** `Retry-After` seconds on 429 answers. Default 1. */
  retryAfterSeconds?: number;
  /** Added to every request before it is served, in milliseconds. */
  latencyMs?: number;
  /** Every this many milliseconds a node that runs tasks is lost: its tasks are killed and requeued. */
  nodeLossEveryMs?: number;
  /** Every this many milliseconds a busy low-priority node is preempted (tasks requeued), and restored half that later. */
  preemptionEveryMs?: number;
  /** Replaces Math.random, so a test can be deterministic. */
  random?: () => number;
}

export class FaultInjector {
  constructor(private readonly options: FaultOptions) {}

  async beforeRequest(): Promise<void> {
    const { latencyMs = 0, errorRate = 0 } = this.options;
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const random = this.options.random ?? Math.random;
    if (errorRate <= 0 || random() >= errorRate) return;
    const kinds = this.options.errorKinds?.length ? this.options.errorKinds : (['serverBusy', 'internalError', 'tooManyRequests'] as const);
    const kind = kinds[Math.min(kinds.length - 1, Math.floor(random() * kinds.length))];
    if (kind === 'serverBusy') throw ErrorFactory.serverBusy();
    if (kind === 'internalError') throw ErrorFactory.internalError();
    throw ErrorFactory.tooManyRequests(this.options.retryAfterSeconds ?? 1);
  }
}
