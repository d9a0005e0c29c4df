import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import { workflowTracingModule } from './workflowTracing';

export interface Tracing {
  processor: SpanProcessor;
  resource: Resource;
  provider: BasicTracerProvider;
  /** Sends what is still buffered, then stops exporting. */
  shutdown(): Promise<void>;
}

let installed: Tracing | undefined;

/** Where spans go, by the OpenTelemetry variables' rules: the traces URL as given, or `/v1/traces` under the base endpoint. */
function otlpTracesUrl(env: NodeJS.ProcessEnv): string | undefined {
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

/**
 * The SDK's OpenTelemetry interceptors on a worker's options: workflow spans
 * (recorded by the SDK's deterministic workflow interceptors, exported through
 * a sink) and activity spans. The activity interceptor goes first, outside the
 * one that redacts Azure errors, so a span never records a SAS URL or a key.
 */
export function withWorkerTracing(tracing: Tracing, options: WorkerOptions): WorkerOptions {
  const tracer = tracing.provider.getTracer('remote-batch-worker');
  const interceptors = options.interceptors ?? {};
  return {
    ...options,
    interceptors: {
      ...interceptors,
      workflowModules: [...(interceptors.workflowModules ?? []), workflowTracingModule],
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
        ...(interceptors.activity ?? []),
      ],
    },
    sinks: { ...options.sinks, exporter: makeWorkflowExporter(tracing.processor, tracing.resource) },
  };
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
