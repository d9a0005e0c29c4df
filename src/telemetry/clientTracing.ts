import type { ClientInterceptors } from '@temporalio/client';

type TracingModule = typeof import('./tracing');
let tracing: TracingModule | undefined;

/**
 * The client's OpenTelemetry interceptors when OTEL_EXPORTER_OTLP_ENDPOINT is
 * set, so a job's trace starts where it was submitted; otherwise none, and the
 * OpenTelemetry SDK is never loaded.
 */
export function clientInterceptorsFromEnvironment(env: NodeJS.ProcessEnv = process.env): ClientInterceptors | undefined {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT && !env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return undefined;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- synchronous lazy load, typed by `typeof import`
  tracing ??= require('./tracing') as TracingModule;
  return tracing.clientTracingInterceptors(env);
}

/** Sends spans still buffered (a CLI command exits right after it closes its environment). */
export async function flushClientTracing(): Promise<void> {
  await tracing?.flushClientTraces();
}
