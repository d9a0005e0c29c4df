import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';
import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import { type Delivery, isNotified, notificationBody, notificationRefusedType, type Notify } from '../model/notifications';

/** Tried with growing backoff for up to a day; a refusal (a 4xx other than 408/429) is final. */
const notifications = proxyActivities<Activities>({
  scheduleToCloseTimeout: '1 day',
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 minutes', nonRetryableErrorTypes: [notificationRefusedType] },
});

/** How a delivery that did not succeed ended, from its activity's failure. */
function undelivered(error: unknown): Pick<Delivery, 'outcome' | 'httpStatus' | 'error'> {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof ApplicationFailure && cause.type === notificationRefusedType) {
    const httpStatus = cause.details?.[0];
    return { outcome: 'refused', error: cause.message, ...(typeof httpStatus === 'number' ? { httpStatus } : {}) };
  }
  return { outcome: 'failed', error: (cause as Error | undefined)?.message ?? 'no answer within a day' };
}

/**
 * Sends a job's notifications (its input's `notify`) as its status changes,
 * each an activity of its own so the job never waits on a receiver, and
 * records each one's end in the state; the run waits for them before it closes.
 */
export class Notifier {
  private readonly pending: Promise<void>[] = [];
  private lastStatus: string | undefined;
  /** Notifications sent, by this run and the runs it follows on from. */
  private sent: number;

  constructor(
    private readonly notify: Notify,
    private readonly state: SingleJobState | ArrayJobState,
  ) {
    this.lastStatus = state.notifications?.at(-1)?.status;
    this.sent = state.notifications?.length ?? 0;
  }

  /** Called at each publish: a status it has not seen yet is notified if `notify.on` asks for it. */
  observe(): void {
    const { state } = this;
    if (state.status === this.lastStatus) return;
    this.lastStatus = state.status;
    if (!isNotified(this.notify, state.status)) return;
    const delivery = ++this.sent;
    const status = state.status;
    const sent = notifications.deliverNotification({
      url: this.notify.url,
      ...(this.notify.secret !== undefined ? { secret: this.notify.secret } : {}),
      body: JSON.stringify(notificationBody(state, delivery)),
      deliveryId: `${state.jobId}:${delivery}`,
    });
    const recorded = sent.then(
      ({ httpStatus, attempts }): Delivery => ({ status, outcome: 'delivered', httpStatus, attempts, at: new Date().toISOString() }),
      (error: unknown): Delivery => ({ status, ...undelivered(error), at: new Date().toISOString() }),
    );
    this.pending.push(recorded.then((done) => void (state.notifications = [...(state.notifications ?? []), done])));
  }

  /** Resolves once every notification sent so far was delivered or given up. */
  async settled(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
}

/** The notifier a job's input asks for, if any. */
export function notifierFor(notify: Notify | undefined, state: SingleJobState | ArrayJobState): Notifier | undefined {
  return notify ? new Notifier(notify, state) : undefined;
}
