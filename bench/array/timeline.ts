import { temporal } from '@temporalio/proto';

type History = temporal.api.history.v1.IHistory;
const EventType = temporal.api.enums.v1.EventType;

function millis(time: temporal.api.history.v1.IHistoryEvent['eventTime']): number {
  return Number(time?.seconds ?? 0) * 1000 + Math.round((time?.nanos ?? 0) / 1e6);
}

export interface TimelineEntry {
  activity: string;
  /** Scheduled and completed, ms after the run's first event. */
  scheduledMs: number;
  completedMs: number;
}

/** When each activity of one run was scheduled and completed, relative to the run's start; and when the run closed. */
export function activityTimeline(history: History): { startedAt: number; closedMs: number; entries: TimelineEntry[] } {
  const events = history.events ?? [];
  const startedAt = events.length ? millis(events[0]!.eventTime) : 0;
  const scheduled = new Map<number, { name: string; at: number }>();
  const entries: TimelineEntry[] = [];
  for (const event of events) {
    const at = millis(event.eventTime) - startedAt;
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      scheduled.set(Number(event.eventId), { name: event.activityTaskScheduledEventAttributes?.activityType?.name ?? '?', at });
    } else if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) {
      const from = scheduled.get(Number(event.activityTaskCompletedEventAttributes?.scheduledEventId));
      if (from) entries.push({ activity: from.name, scheduledMs: from.at, completedMs: at });
    }
  }
  const closedMs = events.length ? millis(events[events.length - 1]!.eventTime) - startedAt : 0;
  return { startedAt, closedMs, entries };
}

/** Activities of one kind that ran back to back, folded into one line: "pollArrayProgress ×12  1.2 → 13.0 s". */
export function printTimeline(timeline: ReturnType<typeof activityTimeline>, submittedAt: number): void {
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`  timeline (after the run's first event; the client submitted ${s(timeline.startedAt - submittedAt)} before it):`);
  let run: { activity: string; count: number; from: number; to: number } | undefined;
  const flush = () => run && console.log(`    ${run.activity} ×${run.count}  ${s(run.from)} → ${s(run.to)}`);
  for (const entry of [...timeline.entries].sort((a, b) => a.completedMs - b.completedMs)) {
    if (run?.activity === entry.activity) {
      run.count++;
      run.to = entry.completedMs;
    } else {
      flush();
      run = { activity: entry.activity, count: 1, from: entry.scheduledMs, to: entry.completedMs };
    }
  }
  flush();
  console.log(`    run closed at ${s(timeline.closedMs)}`);
}

/** Children ended (succeeded + failed) as each progress poll of one run saw them: [epoch ms, ended]. */
export function endedOverTime(history: History): [number, number][] {
  const points: [number, number][] = [];
  const scheduled = new Map<number, string>();
  for (const event of history.events ?? []) {
    if (event.eventType === EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
      scheduled.set(Number(event.eventId), event.activityTaskScheduledEventAttributes?.activityType?.name ?? '');
      continue;
    }
    const completed = event.activityTaskCompletedEventAttributes;
    if (!completed || scheduled.get(Number(completed.scheduledEventId)) !== 'pollArrayProgress') continue;
    const payload = completed.result?.payloads?.[0]?.data;
    if (!payload) continue;
    const { counts } = JSON.parse(Buffer.from(payload).toString('utf8')) as { counts: { succeeded: number; failed: number } };
    points.push([millis(event.eventTime), counts.succeeded + counts.failed]);
  }
  return points;
}

/** Children per second in each tenth of the children, from when the array was submitted. */
export function printRateByTenths(points: [number, number][], submittedAt: number, children: number): void {
  const sorted = [...points].sort((a, b) => a[0] - b[0]);
  const parts: string[] = [];
  let from: [number, number] = [submittedAt, 0];
  for (let tenth = 1; tenth <= 10; tenth++) {
    const reached = sorted.find(([, ended]) => ended >= (children * tenth) / 10);
    if (!reached) break;
    if (reached[0] === from[0]) continue; // one poll saw this tenth and the one before end
    const rate = (reached[1] - from[1]) / ((reached[0] - from[0]) / 1000);
    parts.push(`${tenth * 10}%: ${Math.round(rate)}/s`);
    from = reached;
  }
  console.log(`  children ended per second, by tenth of the array: ${parts.join(', ')}`);
}
