/** The task queue every remote-batch worker polls; other-language clients start workflows on it by name. */
export const taskQueue = 'remote-batch';

/** The queue a worker serves: REMOTE_BATCH_TASK_QUEUE lets one serve a queue of its own (tests, canaries); clients submit to 'remote-batch'. */
export function workerTaskQueue(env: NodeJS.ProcessEnv = process.env): string {
  return env.REMOTE_BATCH_TASK_QUEUE || taskQueue;
}

export interface TemporalSettings {
  address: string;
  namespace: string;
  tls: boolean;
  apiKey?: string;
}

/** Temporal's own variable names, so real clusters and Temporal Cloud are configuration only. */
export function temporalSettingsFromEnvironment(env: NodeJS.ProcessEnv = process.env): TemporalSettings {
  const apiKey = env.TEMPORAL_API_KEY || undefined;
  return {
    address: env.TEMPORAL_ADDRESS || '127.0.0.1:7233',
    namespace: env.TEMPORAL_NAMESPACE || 'default',
    tls: env.TEMPORAL_TLS === 'true' || apiKey !== undefined,
    apiKey,
  };
}
