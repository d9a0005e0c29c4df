/** How often the reconciler looks, and how long a closed workflow's Azure job is left alone first. */
export interface ReconcilerSettings {
  intervalMs: number;
  gracePeriodMs: number;
}

const reconcilerVariables = {
  interval: 'REMOTE_BATCH_RECONCILE_INTERVAL',
  gracePeriod: 'REMOTE_BATCH_RECONCILE_GRACE_PERIOD',
} as const;

const defaultReconcilerSettings: ReconcilerSettings = { intervalMs: 5 * 60_000, gracePeriodMs: 10 * 60_000 };

const unitMs: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000 };

/** `10` (minutes), `90s`, `5m`, `1h`; a clear error naming the variable otherwise. */
export function parseDuration(variable: string, raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([smh]?)\s*$/.exec(raw);
  const ms = match ? Number(match[1]) * unitMs[match[2] || 'm'] : NaN;
  if (!(ms >= 1000)) {
    throw new RangeError(`${variable} must be a duration of at least one second: minutes (e.g. 5) or with a unit s, m or h (e.g. 30s, 5m, 1h); got '${raw}'.`);
  }
  return ms;
}

export function reconcilerSettingsFromEnvironment(env: Record<string, string | undefined>): ReconcilerSettings {
  const interval = env[reconcilerVariables.interval];
  const grace = env[reconcilerVariables.gracePeriod];
  return {
    intervalMs: interval ? parseDuration(reconcilerVariables.interval, interval) : defaultReconcilerSettings.intervalMs,
    gracePeriodMs: grace ? parseDuration(reconcilerVariables.gracePeriod, grace) : defaultReconcilerSettings.gracePeriodMs,
  };
}
