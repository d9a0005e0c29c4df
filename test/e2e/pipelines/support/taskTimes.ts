import { azureSdk } from '../../../support/azureSdk';

/** When one task ran, as Batch reports it. */
export interface TaskRun {
  id: string;
  start: number;
  end: number;
}

/** Every task of an Azure job that has run, with Batch's start and end times. */
export async function taskRuns(jobId: string): Promise<TaskRun[]> {
  const { batch } = azureSdk('local');
  const runs: TaskRun[] = [];
  let page = await batch.task.list(jobId, { taskListOptions: { select: 'id,executionInfo', maxResults: 1000 } });
  for (;;) {
    for (const task of page) {
      const info = task.executionInfo;
      if (task.id && info?.startTime && info.endTime) runs.push({ id: task.id, start: info.startTime.getTime(), end: info.endTime.getTime() });
    }
    if (!page.odatanextLink) return runs;
    page = await batch.task.listNext(page.odatanextLink);
  }
}

/** The most tasks running at one moment, among the moments `counted` keeps (every start by default). */
export function mostRunningAtOnce(runs: TaskRun[], counted: (moment: number) => boolean = () => true): number {
  let most = 0;
  for (const { start } of runs) {
    if (!counted(start)) continue;
    most = Math.max(most, runs.filter((run) => run.start <= start && start < run.end).length);
  }
  return most;
}
