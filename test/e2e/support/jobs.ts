import type { BatchJob } from '../../../src/client';
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
