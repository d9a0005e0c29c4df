import { mapSubmit, submit } from '../../src/client';
import { metricNames } from '../../src/telemetry/metrics';
import { dashboardQueries, metricsIn } from '../support/dashboard';
import { scrape, type Sample, sumOf } from '../support/prometheus';
import { waitFor } from '../support/waitFor';
import { stackEnvironments } from './support/environments';
import { waitForStatus } from './support/jobs';

const metricsUrl = () => process.env.REMOTE_BATCH_TEST_METRICS_URL!;

/** Scrapes until `moved` holds; the job-count gauge is refreshed from Temporal's visibility every few seconds. */
function waitForMetrics(moved: (samples: Sample[]) => boolean, what: string): Promise<Sample[]> {
  return waitFor(() => scrape(metricsUrl()), moved, 90_000, what, 500).catch((error: Error) => {
    throw new Error(error.message.slice(0, 600));
  });
}

describe("the worker's Prometheus endpoint", () => {
  const { local: env } = stackEnvironments();

  it('serves the Temporal SDK worker series beside ours', async () => {
    const samples = await scrape(metricsUrl());
    const names = new Set(samples.map((sample) => sample.name));
    expect(names).toContain('temporal_worker_task_slots_available');
    expect(names).toContain('temporal_num_pollers');
    expect(samples.find((sample) => sample.name === 'temporal_worker_task_slots_available')?.labels.task_queue).toBe('remote-batch');
  });

  it('counts jobs by status and type, children completed, and each Azure call with its status and error code', async () => {
    const before = await scrape(metricsUrl());
    const singlesSucceeded = sumOf(before, metricNames.jobs, { type: 'Single', status: 'Succeeded' });
    const arraysCompleted = sumOf(before, metricNames.jobs, { type: 'Array', status: 'Completed' });
    const childrenSucceeded = sumOf(before, metricNames.childrenCompleted, { status: 'Succeeded' });
    const childrenFailed = sumOf(before, metricNames.childrenCompleted, { status: 'Failed' });
    const requestCount = `${metricNames.azureRequestDuration}_count`;
    const jobsCreated = sumOf(before, requestCount, { service: 'batch', operation: 'POST /jobs', status_code: '201' });
    // A command job writes no result.json: the worker's look for it is a 404 BlobNotFound.
    const resultLookups = sumOf(before, requestCount, { service: 'storage', operation: 'HEAD blob', status_code: '404', error_code: 'BlobNotFound' });
    const jobActivities = sumOf(before, `${metricNames.activityDuration}_count`, { activity: 'prepareAzureJob', outcome: 'ok' });

    const single = await submit(env, { command: 'true' });
    const array = await mapSubmit(env, { command: '/bin/sh -c "test $REMOTE_BATCH_CHILD_INDEX -lt 3"' }, [1, 2, 3], { retryWindowInSeconds: 1 });
    await waitForStatus(single, ['Succeeded']);
    await waitFor(() => array.get('JobStatus'), (status) => status === 'Completed', 90_000, `array ${array.jobId} to complete`, 250);

    const after = await waitForMetrics(
      (samples) =>
        sumOf(samples, metricNames.jobs, { type: 'Single', status: 'Succeeded' }) > singlesSucceeded &&
        sumOf(samples, metricNames.jobs, { type: 'Array', status: 'Completed' }) > arraysCompleted,
      'the job counts to include the finished jobs',
    );
    expect(sumOf(after, metricNames.childrenCompleted, { status: 'Succeeded' }) - childrenSucceeded).toBeGreaterThanOrEqual(2);
    expect(sumOf(after, metricNames.childrenCompleted, { status: 'Failed' }) - childrenFailed).toBeGreaterThanOrEqual(1);
    expect(sumOf(after, requestCount, { service: 'batch', operation: 'POST /jobs', status_code: '201' }) - jobsCreated).toBeGreaterThanOrEqual(2);
    expect(
      sumOf(after, requestCount, { service: 'storage', operation: 'HEAD blob', status_code: '404', error_code: 'BlobNotFound' }) - resultLookups,
    ).toBeGreaterThanOrEqual(1);
    expect(sumOf(after, `${metricNames.activityDuration}_count`, { activity: 'prepareAzureJob', outcome: 'ok' }) - jobActivities).toBeGreaterThanOrEqual(2);
    // Latency is a real histogram: its buckets are cumulative up to the count.
    const inf = sumOf(after, `${metricNames.azureRequestDuration}_bucket`, { service: 'batch', operation: 'POST /jobs', status_code: '201', le: '+Inf' });
    expect(inf).toBe(sumOf(after, requestCount, { service: 'batch', operation: 'POST /jobs', status_code: '201' }));

    // The SDK's series the Grafana dashboard reads are all served, under the names it uses, once jobs have run.
    const served = new Set(after.map((sample) => sample.name));
    const sdkSeries = [...new Set(dashboardQueries().flatMap(({ expr }) => metricsIn(expr)).filter((name) => name.startsWith('temporal_')))];
    expect(sdkSeries.filter((name) => !served.has(name))).toEqual([]);
  });
});
