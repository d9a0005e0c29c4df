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
}

const maxSummaryCommand = 80;

function shortened(text: string, length: number): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > length ? `${line.slice(0, length - 1)}…` : line;
}

function whatRuns(runs: JobDescription['runs'], length: number): string {
  if (runs.kind === 'script') return `script ${runs.fileName}${runs.exportName === 'default' ? '' : ` (${runs.exportName})`}`;
  return `command ${shortened(runs.commandLine, length)}`;
}

/** One line: `Single job on pool local: command /bin/sh -c "…" · priority 0 · 2 vCPUs`. */
export function jobStaticSummary(job: JobDescription): string {
  const kind = job.type === 'Array' ? `Array job of ${job.childCount} children` : 'Single job';
  const vcpus = `${job.settings.vcpuCount} vCPU${job.settings.vcpuCount === 1 ? '' : 's'}`;
  return `${kind} on pool ${job.poolId}: ${whatRuns(job.runs, maxSummaryCommand)} · priority ${job.settings.jobPriority} · ${vcpus}`;
}

/** The same facts in full, one per line (a Markdown list: the UI renders it as written). */
export function jobStaticDetails(job: JobDescription): string {
  const rows: [string, string][] = [
    ['type', job.type],
    ['pool', `\`${job.poolId}\``],
    [job.runs.kind, job.runs.kind === 'command' ? `\`${shortened(job.runs.commandLine, 2000).replace(/`/g, "'")}\`` : whatRuns(job.runs, 0).replace(/^script /, '')],
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
