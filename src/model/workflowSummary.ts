import type { JobSettings } from './settings';
import { batchPriority } from './settings';

/** What a job is, as the Temporal UI shows it at the top of the workflow's page. */
export interface JobDescription {
  type: 'Single' | 'Array';
  poolId: string;
  /** The command line, or the script's file name. */
  runs: { kind: 'command'; commandLine: string } | { kind: 'script'; fileName: string; exportName: string };
  settings: Pick<JobSettings, 'containerImage' | 'jobPriority' | 'vcpuCount' | 'timeConstraint' | 'maxParallel'>;
  childCount?: number;
  spanSize?: number;
  /** The job's name, when it has one: the summary starts with it. */
  name?: string;
}

const maxSummaryCommand = 80;

function shortened(text: string, length: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

function whatRuns(runs: JobDescription['runs'], length: number): string {
  if (runs.kind === 'script') return `script ${runs.fileName}${runs.exportName === 'default' ? '' : ` (${runs.exportName})`}`;
  // In a code span, so the UI neither curls its quotes nor reads `$…$` as math: it can be copied back.
  return `command \`${shortened(runs.commandLine, length).replace(/`/g, "'")}\``;
}

/** One line: `[nightly-train · ]Single job on pool local: command /bin/sh -c "…" · priority 0 · 2 vCPUs`. */
export function jobStaticSummary(job: JobDescription): string {
  const kind = job.type === 'Array' ? `Array job of ${job.childCount?.toLocaleString('en')} ${job.childCount === 1 ? 'child' : 'children'}` : 'Single job';
  const vcpus = `${job.settings.vcpuCount} vCPU${job.settings.vcpuCount === 1 ? '' : 's'}`;
  const named = job.name !== undefined ? `${job.name} · ` : '';
  return `${named}${kind} on pool ${job.poolId}: ${whatRuns(job.runs, maxSummaryCommand)} · priority ${job.settings.jobPriority} · ${vcpus}`;
}

/**
 * The one line that says how a job is doing, its name first:
 * `nightly-train · 812 of 1,000 done · 3 failed` (an array), `nightly-train · Running` (a single job).
 */
export function jobHeadline(job: { name?: string; status: string; childCount?: number; counts?: { succeeded: number; failed: number } }): string {
  const named = job.name !== undefined ? `${job.name} · ` : '';
  if (job.childCount === undefined || job.counts === undefined) return `${named}${job.status}`;
  const { succeeded, failed } = job.counts;
  const done = `${(succeeded + failed).toLocaleString('en')} of ${job.childCount.toLocaleString('en')} done`;
  return `${named}${done}${failed > 0 ? ` · ${failed.toLocaleString('en')} failed` : ''}`;
}

/** The same facts in full, one per line (a Markdown list: the UI renders it as written). */
export function jobStaticDetails(job: JobDescription): string {
  const rows: [string, string][] = [
    ...(job.name !== undefined ? ([['name', job.name]] as [string, string][]) : []),
    ['type', job.type],
    ['pool', `\`${job.poolId}\``],
    [job.runs.kind, whatRuns(job.runs, 2000).replace(/^(script|command) /, '')],
  ];
  if (job.type === 'Array') rows.push(['children', `${job.childCount}${job.spanSize && job.spanSize > 1 ? ` (${job.spanSize} elements each)` : ''}`]);
  rows.push(
    ['JobPriority', `${job.settings.jobPriority} (Batch priority ${batchPriority(job.settings.jobPriority)})`],
    ['VCPUCount', String(job.settings.vcpuCount)],
    ['ContainerImage', `\`${job.settings.containerImage}\``],
  );
  if (job.settings.timeConstraint !== undefined) rows.push(['TimeConstraint', `${job.settings.timeConstraint} s`]);
  if (job.settings.maxParallel !== undefined) rows.push(['MaxParallel', `${job.settings.maxParallel} children at once (at submission; \`remote-batch throttle\` changes it)`]);
  return rows.map(([name, value]) => `- **${name}**: ${value}`).join('\n');
}
