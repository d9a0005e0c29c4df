import {
  type MetricCounter,
  type MetricGauge,
  type MetricHistogram,
  type MetricMeter,
  noopMetricMeter,
} from '@temporalio/common';

/**
 * The project's own series. They are created on the Temporal runtime's meter,
 * so the SDK's Prometheus endpoint serves them beside its `temporal_*` series;
 * until the worker installs that meter (and in client processes) they go nowhere.
 */
export const metricNames = {
  jobs: 'remote_batch_jobs',
  childrenCompleted: 'remote_batch_array_children_completed_total',
  azureRequestDuration: 'remote_batch_azure_request_duration_seconds',
  activityDuration: 'remote_batch_activity_duration_seconds',
  reconcilerActions: 'remote_batch_reconciler_actions_total',
} as const;

/** Bucket bounds in seconds: an HTTP call to Azure is milliseconds to seconds, an activity may poll for minutes. */
export const histogramBuckets: Record<string, number[]> = {
  [metricNames.azureRequestDuration]: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
  [metricNames.activityDuration]: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
};

interface Instruments {
  jobs: MetricGauge;
  childrenCompleted: MetricCounter;
  azureRequestDuration: MetricHistogram;
  activityDuration: MetricHistogram;
  reconcilerActions: MetricCounter;
}

let meter: MetricMeter = noopMetricMeter;
let instruments: Instruments | undefined;

/** Called once by the worker with `Runtime.instance().metricMeter`. */
export function useMetricMeter(next: MetricMeter): void {
  meter = next;
  instruments = undefined;
}

function current(): Instruments {
  instruments ??= {
    jobs: meter.createGauge(metricNames.jobs, 'int', undefined, 'Jobs by RemoteBatchJobStatus and RemoteBatchJobType, as Temporal visibility counts them'),
    childrenCompleted: meter.createCounter(metricNames.childrenCompleted, undefined, 'Array children seen completing, by final status'),
    azureRequestDuration: meter.createHistogram(
      metricNames.azureRequestDuration,
      'float',
      's',
      'Each HTTP call to Azure Batch or Blob Storage, by service, operation, HTTP status and Azure error code',
    ),
    activityDuration: meter.createHistogram(metricNames.activityDuration, 'float', 's', 'Each activity attempt, by activity and outcome (ok or the Azure error code)'),
    reconcilerActions: meter.createCounter(metricNames.reconcilerActions, undefined, 'What the reconciler did, by action'),
  };
  return instruments;
}

export function setJobCount(status: string, type: string, count: number): void {
  current().jobs.set(count, { status, type });
}

export function recordChildrenCompleted(status: 'Succeeded' | 'Failed', count: number): void {
  if (count > 0) current().childrenCompleted.add(count, { status });
}

export interface AzureRequestSample {
  service: 'batch' | 'storage';
  operation: string;
  /** HTTP status, or 0 when no answer came (connection refused, timeout). */
  statusCode: number;
  /** Azure's error code (`TaskNotFound`, `BlobNotFound`), empty on success. */
  errorCode: string;
  seconds: number;
}

export function recordAzureRequest(sample: AzureRequestSample): void {
  current().azureRequestDuration.record(sample.seconds, {
    service: sample.service,
    operation: sample.operation,
    status_code: String(sample.statusCode),
    error_code: sample.errorCode,
  });
}

export function recordActivity(activity: string, outcome: string, seconds: number): void {
  current().activityDuration.record(seconds, { activity, outcome });
}

/**
 * For the reconciler: count one thing it did, e.g.
 * `recordReconcilerAction('terminate_azure_job')` or `recordReconcilerAction('delete_upload', 3)`.
 */
export function recordReconcilerAction(action: string, count = 1): void {
  if (count > 0) current().reconcilerActions.add(count, { action });
}
