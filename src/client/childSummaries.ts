import { InvalidSettingError } from '../model/errors';
import type { SingleJobStatus } from '../model/status';
import { abortable, type OperationOptions } from './abort';
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

export interface ChildSummaryPageOptions extends OperationOptions {
  /** 1-based (default 1). */
  page?: number;
  /** Children per page (default 20). */
  pageSize?: number;
}

function wholeNumber(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new InvalidSettingError(name, `${name} must be a whole number from 1; got ${JSON.stringify(value)}.`);
  return value;
}

/** A page of an array's children in order. */
export async function listChildSummaries(array: ArrayJob, options: ChildSummaryPageOptions = {}): Promise<ChildSummaryPage> {
  const pageSize = wholeNumber('pageSize', options.pageSize, 20);
  const page = wholeNumber('page', options.page, 1);
  return abortable(options.abortSignal, async (signal) => {
    const state = await array.state({ abortSignal: signal });
    const first = (page - 1) * pageSize + 1;
    const last = Math.min(state.childCount, page * pageSize);
    const children = first > last ? [] : await readChildren(array.environment, state, { first, last }, signal);
    return summaryPage(children, state.childCount, page, pageSize);
  });
}

function summaryPage(children: Awaited<ReturnType<typeof readChildren>>, total: number, page: number, pageSize: number): ChildSummaryPage {
  return {
    children: children.map((child) => ({
      child: child.child,
      JobStatus: child.status,
      ...(child.exitCode !== undefined ? { JobExitCode: child.exitCode } : {}),
      ...(child.reason ? { JobStatusReason: child.reason } : {}),
      ...(child.startTime ? { JobStartTime: new Date(child.startTime) } : {}),
      ...(child.endTime ? { JobCompletionTime: new Date(child.endTime) } : {}),
    })),
    total,
    page,
    pageSize,
  };
}
