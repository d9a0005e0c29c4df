import { z } from 'zod';

export const metricsPortVariable = 'REMOTE_BATCH_METRICS_PORT';
export const metricsHostVariable = 'REMOTE_BATCH_METRICS_HOST';
const jobCountIntervalVariable = 'REMOTE_BATCH_METRICS_JOB_COUNT_INTERVAL_MS';

const portSchema = z.coerce.number().int().min(1).max(65535);
const intervalSchema = z.coerce.number().int().min(100);

/** Parses one variable with a schema, or throws naming the variable and what it allows. */
function parseVariable<T>(schema: z.ZodType<T>, variable: string, raw: string, allowed: string): T {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new RangeError(`${variable} must be ${allowed}, got '${raw}'.`);
  return parsed.data;
}

export interface TelemetrySettings {
  /** `host:port` the Prometheus endpoint binds to; no endpoint when undefined. */
  metricsBindAddress?: string;
  /** How often the worker counts jobs by status in Temporal's visibility store. */
  jobCountIntervalMs: number;
  /** OTLP/HTTP base URL (the standard `OTEL_EXPORTER_OTLP_ENDPOINT`); tracing is off when undefined. */
  otlpEndpoint?: string;
}

const blankToUndefined = (value: string | undefined) => (value === undefined || value.trim() === '' ? undefined : value.trim());

export function telemetrySettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): TelemetrySettings {
  const rawPort = blankToUndefined(env[metricsPortVariable]);
  const metricsPort = rawPort === undefined ? undefined : parseVariable(portSchema, metricsPortVariable, rawPort, 'a port number from 1 to 65535');
  const rawInterval = blankToUndefined(env[jobCountIntervalVariable]);
  const jobCountIntervalMs =
    rawInterval === undefined ? 10_000 : parseVariable(intervalSchema, jobCountIntervalVariable, rawInterval, 'a whole number of milliseconds, at least 100');
  const host = blankToUndefined(env[metricsHostVariable]) ?? '127.0.0.1';
  const otlpEndpoint = blankToUndefined(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) ?? blankToUndefined(env.OTEL_EXPORTER_OTLP_ENDPOINT);
  return {
    metricsBindAddress: metricsPort === undefined ? undefined : `${host}:${metricsPort}`,
    jobCountIntervalMs,
    otlpEndpoint,
  };
}

/** The URL a scraper reads, for a bind address (a wildcard host is reached on loopback). */
export function metricsUrl(bindAddress: string): string {
  const [host, port] = [bindAddress.slice(0, bindAddress.lastIndexOf(':')), bindAddress.slice(bindAddress.lastIndexOf(':') + 1)];
  const reachable = host === '0.0.0.0' || host === '::' || host === '[::]' ? '127.0.0.1' : host;
  return `http://${reachable}:${port}/metrics`;
}
