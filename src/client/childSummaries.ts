import type { SingleJobStatus } from '../model/status';
import type { ArrayJob } from './arrayJobObject';
import { readChildren } from './childRecords';

/** One row of an array's children table. */
export interface ChildSummary {
  /** 1-based. */
  child: number;
  JobStatus: SingleJobStatus;
  JobExitCode?: number;
  JobStatusReason?: string;
  JobStartTime?: Date;
  JobCompletionTime?: Date;
}

export interface ChildSummaryPage {
  children: ChildSummary[];
  /** The array's ChildJobCount. */
  total: number;
  page: number;
  pageSize: number;
}

/** A page of an array's children in order. */
export async function listChildSummaries(array: ArrayJob, options: { page?: number; pageSize?: number } = {}): Promise<ChildSummaryPage> {
  const pageSize = options.pageSize ?? 20;
  const page = options.page ?? 1;
  const state = await array.state();
  const first = (page - 1) * pageSize + 1;
  const last = Math.min(state.childCount, page * pageSize);
  const children = first > last ? [] : await readChildren(array.environment, state, first, last);
  return {
    children: children.map((child) => ({
      child: child.child,
      JobStatus: child.status,
      ...(child.exitCode !== undefined ? { JobExitCode: child.exitCode } : {}),
      ...(child.reason ? { JobStatusReason: child.reason } : {}),
      ...(child.startTime ? { JobStartTime: new Date(child.startTime) } : {}),
      ...(child.endTime ? { JobCompletionTime: new Date(child.endTime) } : {}),
    })),
    total: state.childCount,
    page,
    pageSize,
  };
}
