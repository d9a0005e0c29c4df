import type { TaskRecord } from '../model/types';
import type { BatchStore } from '../store/store';
import { exitOptionsOf } from './exitConditions';

interface TaskDependencies {
  taskIds?: string[];
  taskIdRanges?: Array<{ start: number; end: number }>;
}

/**
 * A task with `dependsOn` may run only once every task it names has completed in a
 * way that satisfies dependents. A dependency that does not exist (yet) keeps it waiting.
 */
export function dependenciesSatisfied(task: TaskRecord, store: BatchStore): boolean {
  const dependsOn = task.spec.dependsOn as TaskDependencies | undefined;
  if (!dependsOn) return true;
  const satisfied = (id: string): boolean => {
    const dependency = store.getTask(task.jobId, id);
    return dependency?.state === 'completed' && exitOptionsOf(dependency).dependencyAction === 'satisfy';
  };
  for (const id of dependsOn.taskIds ?? []) if (!satisfied(id)) return false;
  for (const range of dependsOn.taskIdRanges ?? []) {
    for (let id = range.start; id <= range.end; id++) if (!satisfied(String(id))) return false;
  }
  return true;
}
