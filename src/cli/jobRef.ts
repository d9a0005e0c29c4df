import type { ArrayChildJob } from '../client/arrayChildJob';
import type { ArrayJob } from '../client/arrayJobObject';
import type { BatchJob } from '../client/jobObject';

/** A job that runs as one task: a Single job or an array child (`rb-…/n`). */
export type TaskJob = BatchJob | ArrayChildJob;

/** Any job a user can name. */
export type JobRef = TaskJob | ArrayJob;

/** What watch and result need of a task job's state. */
export type TaskState = Awaited<ReturnType<TaskJob['state']>>;
