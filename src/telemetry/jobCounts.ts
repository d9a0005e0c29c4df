import { Client, type ConnectionLike } from '@temporalio/client';
import { jobStatusKey, jobTypeKey } from '../model/searchAttributes';
import { arrayJobStatuses, singleJobStatuses } from '../model/status';
import { metricNames, setJobCount } from './metrics';

const countedStatuses: Record<'Single' | 'Array', readonly string[]> = {
  Single: singleJobStatuses,
  Array: arrayJobStatuses,
};

/** Counts jobs per type and status in Temporal's visibility store: what users see in `ls`, not a guess from one worker's view. */
async function sampleJobCounts(client: Client): Promise<void> {
  for (const [type, statuses] of Object.entries(countedStatuses)) {
    for (const status of statuses) {
      const { count } = await client.workflow.count(`${jobTypeKey.name} = '${type}' AND ${jobStatusKey.name} = '${status}'`);
      setJobCount(status, type, count);
    }
  }
}

/**
 * Refreshes the `remote_batch_jobs` gauge every `intervalMs` until stopped.
 * Every worker reports the same numbers; dashboards take `max` over workers.
 */
export function startJobCountSampler(connection: ConnectionLike, namespace: string, intervalMs: number, log: (line: string) => void): () => void {
  const client = new Client({ connection, namespace });
  let stopped = false;
  let lastError = '';
  let timer: NodeJS.Timeout | undefined;
  const tick = async () => {
    try {
      await sampleJobCounts(client);
      lastError = '';
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      // Said once per kind of failure, not every interval.
      if (message !== lastError) log(`counting jobs for ${metricNames.jobs} failed: ${message}`);
      lastError = message;
    }
    if (!stopped) timer = setTimeout(() => void tick(), intervalMs);
  };
  void tick();
  return () => {
    stopped = true;
    if (timer) clearTimeout(timer);
  };
}
