/** ISO 8601 durations as Batch sends them (`PT1H30M`, `P7D`, `P10675199DT2H48M5.4775807S`). */

/** .NET's TimeSpan.MaxValue: what Batch reports for "no limit". */
export const UNLIMITED_DURATION = 'P10675199DT2H48M5.4775807S';
export const UNLIMITED_MS = Number.POSITIVE_INFINITY;

const PATTERN = /^P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** Milliseconds, or undefined when the text is not an ISO 8601 duration. */
export function parseDuration(text: string): number | undefined {
  if (text === UNLIMITED_DURATION) return UNLIMITED_MS;
  const match = PATTERN.exec(text);
  if (!match || text === 'P' || text.endsWith('T')) return undefined;
  const [, years, months, weeks, days, hours, minutes, seconds] = match.map((part) => (part === undefined ? 0 : Number(part)));
  const dayMs = 86_400_000;
  const ms = years * 365 * dayMs + months * 30 * dayMs + weeks * 7 * dayMs + days * dayMs + hours * 3_600_000 + minutes * 60_000 + seconds * 1000;
  return ms >= 10675199 * dayMs ? UNLIMITED_MS : ms;
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return UNLIMITED_DURATION;
  const totalSeconds = ms / 1000;
  const days = Math.floor(totalSeconds / 86_400);
  const hours = Math.floor((totalSeconds % 86_400) / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = Math.round((totalSeconds % 60) * 1000) / 1000;
  let time = '';
  if (hours) time += `${hours}H`;
  if (minutes) time += `${minutes}M`;
  if (seconds || (!days && !time)) time += `${seconds}S`;
  return `P${days ? `${days}D` : ''}${time ? `T${time}` : ''}`;
}
