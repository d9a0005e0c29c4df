import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const EventType = temporal.api.enums.v1.EventType;

export interface Span {
  /** The activity's type, or 'workflow task'. */
  name: string;
  /** Scheduled → started: time in the task queue. */
  queuedMs: number;
  /** Started → completed: time running (or the worker's turn for a workflow task). */
  runningMs: number;
}

export interface Breakdown {
  /** First event → last event of the run. */
  totalMs: number;
  spans: Span[];
}

function millis(time: temporal.api.history.v1.IHistoryEvent['eventTime']): number {
  return Number(time?.seconds ?? 0) * 1000 + Math.round((time?.nanos ?? 0) / 1e6);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : Math.round((sorted[middle - 1]! + sorted[middle]!) / 2);
}

/** Each workflow task's and activity's queue and run time, from one run's history. */
export function historyBreakdown(history: History): Breakdown {
  const events = history.events ?? [];
  const at = new Map<number, { time: number; name: string }>();
  const spans: Span[] = [];
  for (const event of events) {
    const id = Number(event.eventId);
    const time = millis(event.eventTime);
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED:
        at.set(id, { time, name: 'workflow task' });
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
        at.set(id, { time, name: event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?' });
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED: {
        const scheduledId = Number(event.workflowTaskStartedEventAttributes?.scheduledEventId ?? event.activityTaskStartedEventAttributes?.scheduledEventId);
        const scheduled = at.get(scheduledId);
        if (scheduled) at.set(id, { time, name: `${scheduledId}:${time - scheduled.time}` });
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
      case EventType.EVENT_TYPE_ACTIVITY_TASK_FAILED: {
        const attributes = event.workflowTaskCompletedEventAttributes ?? event.activityTaskCompletedEventAttributes ?? event.activityTaskFailedEventAttributes;
        const started = at.get(Number(attributes?.startedEventId));
        if (!started) break;
        const [scheduledId, queued] = started.name.split(':').map(Number);
        spans.push({ name: at.get(scheduledId!)!.name, queuedMs: queued!, runningMs: time - started.time });
        break;
      }
      case EventType.EVENT_TYPE_MARKER_RECORDED: {
        // A local activity: its run time is not in history, only when its result was recorded.
        const name = event.markerRecordedEventAttributes?.markerName;
        if (name === 'core_local_activity') spans.push({ name: 'local activity (marker)', queuedMs: 0, runningMs: 0 });
        break;
      }
    }
  }
  const totalMs = events.length ? millis(events[events.length - 1]!.eventTime) - millis(events[0]!.eventTime) : 0;
  return { totalMs, spans };
}

/** Medians over runs of each step on the path, in the order the first run took them. */
export function printBreakdown(breakdowns: Breakdown[], clientMedianMs: number): void {
  const order: string[] = [];
  const per = new Map<string, { queued: number[]; running: number[]; count: number }>();
  for (const { spans } of breakdowns) {
    const seen = new Map<string, number>();
    for (const span of spans) {
      const occurrence = (seen.get(span.name) ?? 0) + 1;
      seen.set(span.name, occurrence);
      const key = occurrence > 1 ? `${span.name} #${occurrence}` : span.name;
      if (!per.has(key)) {
        order.push(key);
        per.set(key, { queued: [], running: [], count: 0 });
      }
      const entry = per.get(key)!;
      entry.queued.push(span.queuedMs);
      entry.running.push(span.runningMs);
      entry.count++;
    }
  }
  const workflowMedian = median(breakdowns.map((b) => b.totalMs));
  console.log(`\nwhere the time goes (medians over ${breakdowns.length} runs; ms queued / running):`);
  for (const key of order) {
    const entry = per.get(key)!;
    console.log(`  ${key.padEnd(32)} ${String(median(entry.queued)).padStart(5)} / ${String(median(entry.running)).padStart(5)}   (in ${entry.count} runs)`);
  }
  const workflowTasks = breakdowns.map((b) => b.spans.filter((s) => s.name.startsWith('workflow task')).reduce((sum, s) => sum + s.queuedMs + s.runningMs, 0));
  console.log(`  workflow run, first → last event: ${workflowMedian} ms, of which workflow tasks ${median(workflowTasks)} ms`);
  console.log(`  client outside the run (submit's uploads and start, polling the final state): ${clientMedianMs - workflowMedian} ms`);
}
