import { type BatchEnvironment, type BatchJob, type JobSummary, listJobSummaries, type ListJobsOptions } from '../../../src/client';
import { waitFor } from '../../support/waitFor';

/** Polls until the status is one of `statuses`, collecting every status seen on the way. */
export async function waitForStatus(job: BatchJob, statuses: string[], timeoutMs = 60_000): Promise<string[]> {
  const seen: string[] = [];
  await waitFor(
    async () => {
      const status = (await job.get('JobStatus')) as string;
      if (seen[seen.length - 1] !== status) seen.push(status);
      return status;
    },
    (status) => statuses.includes(status),
    { timeoutMs, intervalMs: 150, what: `job ${job.jobId} to be ${statuses.join('/')}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message} (saw ${seen.join(' → ')})`);
  });
  return seen;
}

/** Every job the environment lists (each once), on every page. */
export async function listedJobs(env: BatchEnvironment, options: ListJobsOptions = {}): Promise<JobSummary[]> {
  const jobs: JobSummary[] = [];
  for await (const summary of listJobSummaries(env, options)) jobs.push(summary);
  return jobs;
}

/** What `ls --status Running` / `--status Active` would print for the job: nothing, once its workflow closed. */
export async function listedInProgress(env: BatchEnvironment, jobId: string): Promise<string[]> {
  const statuses: ('Active' | 'Running')[] = ['Active', 'Running'];
  const listed = await Promise.all(statuses.map(async (status) => (await listedJobs(env, { status })).some((summary) => summary.jobId === jobId)));
  return statuses.filter((_, at) => listed[at]);
}
