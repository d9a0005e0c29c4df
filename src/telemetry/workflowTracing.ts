import type { InjectedSinks } from '@temporalio/worker';

/**
 * The SDK's OpenTelemetry workflow interceptors (deterministic: spans are
 * handed out of the sandbox through the `exporter` sink). A worker that bundles
 * at start adds them when tracing is on; a prebuilt bundle always holds them.
 */
export const workflowTracingModule = require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors');

/** With tracing off, the spans a prebuilt bundle's interceptors hand out go nowhere (instead of to an unregistered sink). */
export const discardedWorkflowSpans: InjectedSinks<{ exporter: { export(spans: unknown[]): void } }> = {
  exporter: { export: { fn: () => undefined } },
};
