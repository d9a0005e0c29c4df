/** Pure formatting: every function here turns values into text and nothing else. */

const ansi = {
  green: '\x1b[32m',
  red: '\x1b[31m',
  yellow: '\x1b[33m',
  cyan: '\x1b[36m',
  dim: '\x1b[2m',
  bold: '\x1b[1m',
  reset: '\x1b[0m',
};

export type Colour = keyof Omit<typeof ansi, 'reset'>;

export function paint(text: string, colour: Colour, enabled: boolean): string {
  return enabled ? `${ansi[colour]}${text}${ansi.reset}` : text;
}

/** 0.4s, 12.3s, 3m 04s, 2h 05m. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const seconds = Math.floor(ms / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
  return `${Math.floor(seconds / 3600)}h ${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}m`;
}

/** 0 B, 512 B, 1.5 KiB, 3.0 MiB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = -1;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** HH:MM:SS in local time: what a person compares with a wall clock. */
export function formatClock(date: Date): string {
  return [date.getHours(), date.getMinutes(), date.getSeconds()].map((part) => String(part).padStart(2, '0')).join(':');
}

/** How long ago, as a person says it: just now, 12s ago, 5m ago, 3h ago, 2d ago. */
export function formatAge(date: Date, now: Date = new Date()): string {
  const seconds = Math.floor((now.getTime() - date.getTime()) / 1000);
  if (!Number.isFinite(seconds)) return '-';
  if (seconds < 0) return 'in the future';
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds}s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ago`;
  if (seconds < 86_400) return `${Math.floor(seconds / 3600)}h ago`;
  return `${Math.floor(seconds / 86_400)}d ago`;
}

/** An exact time and its age: `2026-12-02 10:03:56 UTC (5m ago)`. */
export function formatTime(date: Date, now: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC (${formatAge(date, now)})`;
}

/** How long a job ran, or has been running: `3.2s`, `4m 05s so far`; '-' before it started. */
export function formatRunTime(started: Date | undefined, completed: Date | undefined, now: Date = new Date()): string {
  if (!started) return '-';
  if (completed) return formatDuration(completed.getTime() - started.getTime());
  return `${formatDuration(now.getTime() - started.getTime())} so far`;
}

/** A property value as a person reads it: times with their age, strings bare, the rest as JSON. */
export function formatValue(value: unknown): string {
  if (value === undefined) return '-';
  if (value instanceof Date) return formatTime(value);
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, 2) ?? String(value);
}

/** Aligned columns; the last column is not padded. */
export function formatTable(headers: string[], rows: string[][]): string[] {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const format = (row: string[]) =>
    row
      .map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column])))
      .join('  ')
      .trimEnd();
  return [format(headers), ...rows.map(format)];
}

/** `Name   value` lines; multi-line values are indented under their name. */
export function formatProperties(entries: [string, unknown][]): string[] {
  const width = Math.max(...entries.map(([name]) => name.length));
  const lines: string[] = [];
  for (const [name, value] of entries) {
    const [first, ...rest] = formatValue(value).split('\n');
    lines.push(`${name.padEnd(width)}  ${first}`);
    for (const line of rest) lines.push(`${' '.repeat(width)}  ${line}`);
  }
  return lines;
}

export function statusColour(status: string): Colour {
  if (status === 'Succeeded' || status === 'Completed') return 'green';
  if (status === 'Failed') return 'red';
  if (status === 'Running') return 'cyan';
  return 'yellow';
}

/** The line printed when a job reaches a status: `12:00:01  Running  (+0.6s)` plus what ended it. */
export function transitionLine(
  at: Date,
  elapsedMs: number,
  status: string,
  detail: { exitCode?: number; reason?: string } = {},
  colour = false,
): string {
  const extras: string[] = [];
  if (detail.exitCode !== undefined) extras.push(`exit code ${detail.exitCode}`);
  if (detail.reason) extras.push(detail.reason);
  const tail = extras.length ? ` — ${extras.join('; ')}` : '';
  return `${formatClock(at)}  ${paint(status.padEnd(9), statusColour(status), colour)}  (+${formatDuration(elapsedMs)})${tail}`;
}

export const spinnerFrames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** `[██████░░░░░░]  6/12 done (1 failed)` for array jobs, `width` cells wide. */
export function progressBar(done: number, total: number, width = 30, failed = 0): string {
  const ratio = total > 0 ? Math.min(1, Math.max(0, done / total)) : 0;
  const filled = Math.round(ratio * width);
  const bar = `${'█'.repeat(filled)}${'░'.repeat(width - filled)}`;
  const failures = failed > 0 ? ` (${failed} failed)` : '';
  return `[${bar}] ${String(done).padStart(String(total).length)}/${total} done${failures}`;
}

/** "showing 51–100 of 230 jobs (page 2 of 5; --page 3 for more)". */
export function pageLine(page: { total: number; page: number; pageSize: number; shown: number }, noun = 'jobs'): string {
  if (page.total === 1 && page.shown === 1) return `showing the only ${noun.replace(/jobs$/, 'job').replace(/children$/, 'child')}`;
  const pages = Math.max(1, Math.ceil(page.total / page.pageSize));
  if (page.shown === 0) return `showing 0 of ${page.total} ${noun}${page.total ? ` (there are ${pages} page${pages === 1 ? '' : 's'})` : ''}`;
  const first = (page.page - 1) * page.pageSize + 1;
  const range = page.shown === page.total ? `all ${page.total}` : `${first}–${first + page.shown - 1} of ${page.total}`;
  const more = page.page < pages ? `; --page ${page.page + 1} for more` : '';
  return `showing ${range} ${noun}${pages > 1 ? ` (page ${page.page} of ${pages}${more})` : ''}`;
}
