import { metricsUrl, telemetrySettingsFromEnvironment } from '../../../src/telemetry/telemetrySettings';

describe('telemetry settings', () => {
  it('has no metrics endpoint and no tracing unless asked', () => {
    expect(telemetrySettingsFromEnvironment({})).toEqual({ metricsBindAddress: undefined, jobCountIntervalMs: 10_000, otlpEndpoint: undefined });
    expect(telemetrySettingsFromEnvironment({ REMOTE_BATCH_METRICS_PORT: ' ' }).metricsBindAddress).toBeUndefined();
  });

  it('binds loopback by default and any host when told', () => {
    expect(telemetrySettingsFromEnvironment({ REMOTE_BATCH_METRICS_PORT: '9464' }).metricsBindAddress).toBe('127.0.0.1:9464');
    const everywhere = telemetrySettingsFromEnvironment({ REMOTE_BATCH_METRICS_PORT: '9464', REMOTE_BATCH_METRICS_HOST: '0.0.0.0' });
    expect(everywhere.metricsBindAddress).toBe('0.0.0.0:9464');
    expect(metricsUrl(everywhere.metricsBindAddress!)).toBe('http://127.0.0.1:9464/metrics');
  });

  it('refuses a bad port or interval, naming the variable and what it allows', () => {
    expect(() => telemetrySettingsFromEnvironment({ REMOTE_BATCH_METRICS_PORT: 'abc' })).toThrow(
      "REMOTE_BATCH_METRICS_PORT must be a port number from 1 to 65535, got 'abc'.",
    );
    expect(() => telemetrySettingsFromEnvironment({ REMOTE_BATCH_METRICS_PORT: '70000' })).toThrow(RangeError);
    expect(() => telemetrySettingsFromEnvironment({ REMOTE_BATCH_METRICS_JOB_COUNT_INTERVAL_MS: '5' })).toThrow(/REMOTE_BATCH_METRICS_JOB_COUNT_INTERVAL_MS must be/);
  });

  it('turns tracing on with the standard OTLP variables', () => {
    expect(telemetrySettingsFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' }).otlpEndpoint).toBe('http://collector:4318');
    expect(telemetrySettingsFromEnvironment({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://c:4318/v1/traces' }).otlpEndpoint).toBe('http://c:4318/v1/traces');
  });
});
