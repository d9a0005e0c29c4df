import { type BatchEnvironment, type BatchJob, listJobSummaries } from '../../../src/client';

/** Polls until the status is one of `statuses`, collecting every status seen on the way. */
export async function waitForStatus(job: BatchJob, statuses: string[], timeoutMs = 60_000): Promise<string[]> {
  const seen: string[] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await job.get('JobStatus');
    if (seen[seen.length - 1] !== status) seen.push(status);
    if (statuses.includes(status)) return seen;
    if (Date.now() > deadline) throw new Error(`job ${job.jobId} still ${status} after ${timeoutMs} ms (saw ${seen.join(' → ')})`);
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
}

/** What `ls --status Running` / `--status Active` would print for the job: nothing, once its workflow closed. */
export async function listedInProgress(env: BatchEnvironment, jobId: string): Promise<string[]> {
  const statuses: ('Active' | 'Running')[] = ['Active', 'Running'];
  const listed = await Promise.all(statuses.map(async (status) => (await listJobSummaries(env, { status })).some((summary) => summary.jobId === jobId)));
  return statuses.filter((_, at) => listed[at]);
}
