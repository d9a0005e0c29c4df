import type { ConnectionLike } from '@temporalio/client';
import { Runtime, type WorkerOptions } from '@temporalio/worker';
import { activityMetrics } from './activityMetrics';
import { startJobCountSampler } from './jobCounts';
import { histogramBuckets, useMetricMeter } from './metrics';
import { metricsPortVariable, metricsUrl, telemetrySettingsFromEnvironment } from './telemetrySettings';
import type { Tracing } from './tracing';
import { discardedWorkflowSpans } from './workflowTracing';

export interface WorkerTelemetry {
  /** Where Prometheus scrapes this worker, when metrics are on. */
  metricsUrl?: string;
  /** Adds the metrics interceptor and, when tracing is on, the SDK's OpenTelemetry interceptors. */
  configure(options: WorkerOptions): WorkerOptions;
  /** Starts counting jobs by status (needs the worker's connection). */
  start(connection: ConnectionLike, namespace: string): void;
  shutdown(): Promise<void>;
}

/**
 * Installs the Temporal runtime with a Prometheus endpoint (REMOTE_BATCH_METRICS_PORT)
 * that serves the SDK's `temporal_*` series and ours, and OTLP tracing when
 * OTEL_EXPORTER_OTLP_ENDPOINT is set. Must run before the worker's connection is made.
 */
export function installWorkerTelemetry(env: NodeJS.ProcessEnv = process.env, log: (line: string) => void = console.error): WorkerTelemetry {
  const settings = telemetrySettingsFromEnvironment(env);
  if (settings.metricsBindAddress) {
    try {
      Runtime.install({
        telemetryOptions: {
          metrics: { prometheus: { bindAddress: settings.metricsBindAddress, histogramBucketOverrides: histogramBuckets } },
        },
      });
    } catch (error) {
      throw new Error(
        `The metrics endpoint cannot listen on ${settings.metricsBindAddress} (${(error as Error).message}). ` +
          `Choose another port with ${metricsPortVariable}=<port>, or leave it empty for no endpoint.`,
      );
    }
    useMetricMeter(Runtime.instance().metricMeter);
  }
  let tracing: Tracing | undefined;
  if (settings.otlpEndpoint) {
    // Loaded only when asked for: the OpenTelemetry SDK is not needed otherwise.
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous lazy load, typed by `typeof import`
    const { installTracing } = require('./tracing') as typeof import('./tracing');
    tracing = installTracing('remote-batch-worker', env);
  }
  let stopSampler: (() => void) | undefined;
  return {
    metricsUrl: settings.metricsBindAddress ? metricsUrl(settings.metricsBindAddress) : undefined,
    configure(options) {
      const interceptors = options.interceptors ?? {};
      const configured: WorkerOptions = {
        ...options,
        interceptors: { ...interceptors, activity: [...(interceptors.activity ?? []), activityMetrics] },
      };
      if (!tracing) return { ...configured, sinks: { ...discardedWorkflowSpans, ...options.sinks } };
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded with tracing above
      const { withWorkerTracing } = require('./tracing') as typeof import('./tracing');
      return withWorkerTracing(tracing, configured);
    },
    start(connection, namespace) {
      if (settings.metricsBindAddress) stopSampler = startJobCountSampler(connection, namespace, settings.jobCountIntervalMs, log);
    },
    async shutdown() {
      stopSampler?.();
      await tracing?.shutdown();
    },
  };
}
