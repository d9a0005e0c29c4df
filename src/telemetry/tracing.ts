import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import { OpenTelemetryPlugin, OpenTelemetryWorkflowClientInterceptor } from '@temporalio/interceptors-opentelemetry';

export interface Tracing {
  processor: SpanProcessor;
  resource: Resource;
  provider: BasicTracerProvider;
  /** Sends what is still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** Where spans go, by the OpenTelemetry variables' rules: the traces URL as given, or `/v1/traces` under the base endpoint. */
export function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (env.OTEL_EXPORTER_OTLP_ENDPOINT) return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return undefined;
}

/**
 * One tracer provider per process, exporting over OTLP/HTTP (JSON) to
 * `OTEL_EXPORTER_OTLP_ENDPOINT` (other standard variables, such as
 * `OTEL_EXPORTER_OTLP_HEADERS`, are read by the exporter itself). It is
 * registered globally, so the W3C trace context the client puts into a
 * workflow's headers reaches the workflow's and the activities' spans.
 */
export function installTracing(defaultServiceName: string, env: NodeJS.ProcessEnv = process.env): Tracing {
  if (installed) return installed;
  const resource = new Resource({ 'service.name': env.OTEL_SERVICE_NAME || defaultServiceName });
  const processor = new BatchSpanProcessor(new OTLPTraceExporter({ url: otlpTracesUrl(env) }), { scheduledDelayMillis: 1000 });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [processor] });
  // Without a context manager the client's span is never "active", and nothing is put into the workflow's headers.
  provider.register({ contextManager: new AsyncLocalStorageContextManager().enable() });
  installed = { processor, resource, provider, shutdown: () => provider.shutdown() };
  return installed;
}

/** The SDK's tracing plugin for a worker: workflow spans (through a sink, deterministic), activity spans, and its client calls. */
export function workerTracingPlugin(tracing: Tracing): OpenTelemetryPlugin {
  return new OpenTelemetryPlugin({
    resource: tracing.resource,
    spanProcessor: tracing.processor,
    tracer: tracing.provider.getTracer('remote-batch-worker'),
  });
}

/** Client interceptors that start a span per workflow start/signal/query and pass its context to the workflow; none when tracing is off. */
export function clientTracingInterceptors(env: NodeJS.ProcessEnv = process.env): ClientInterceptors | undefined {
  if (otlpTracesUrl(env) === undefined) return undefined;
  const tracing = installTracing('remote-batch-client', env);
  return { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer: tracing.provider.getTracer('remote-batch-client') })] };
}

/** Sends the client's buffered spans (a CLI process exits right after its command). */
export async function flushClientTraces(): Promise<void> {
  await installed?.provider.forceFlush();
}
