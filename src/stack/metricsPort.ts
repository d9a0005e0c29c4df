import { metricsPortVariable, telemetrySettingsFromEnvironment } from '../telemetry/telemetrySettings';
import { assertPortFree, findFreePort, isPortFree } from './ports';

/** The port Prometheus tooling expects an exporter on when nothing else is said. */
const defaultMetricsPort = 9464;

/**
 * The worker's metrics port: the one asked for (option or REMOTE_BATCH_METRICS_PORT),
 * which must be free; otherwise 9464, or any free port when 9464 is taken
 * (a second stack on this machine). The stack prints the URL either way.
 */
export async function chooseMetricsPort(requested?: number, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const fromEnvironment = telemetrySettingsFromEnvironment(env).metricsBindAddress;
  const port = requested ?? (fromEnvironment ? Number(fromEnvironment.slice(fromEnvironment.lastIndexOf(':') + 1)) : undefined);
  if (port !== undefined) {
    await assertPortFree(port, "the worker's metrics endpoint", metricsPortVariable);
    return port;
  }
  return (await isPortFree(defaultMetricsPort)) ? defaultMetricsPort : findFreePort();
}
