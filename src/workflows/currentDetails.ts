import type { ArrayJobState, SingleJobState } from '../model/jobStates';
import { jobHeadline } from '../model/workflowSummary';

/** "2026-05-01 12:00:03 UTC" (workflow time, so replay-safe). */
function clock(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

function reasonLine(statusReason: string | undefined): string {
  return statusReason ? `\n\n**Reason:** ${statusReason}` : '';
}

/**
 * The array's current details in the Temporal UI: its child counts as a
 * Markdown list (the UI gives a table's header no spacing, so its names ran
 * together), then what is happening and when this was last updated.
 */
export function arrayDetails(state: ArrayJobState, connection: string, note: string, now: Date): string {
  const { active, running, succeeded, failed } = state.counts;
  const counts = [
    `- **Active**: ${active}`,
    `- **Running**: ${running}`,
    `- **Succeeded**: ${succeeded}`,
    `- **Failed**: ${failed}`,
    `- **Added to Batch**: ${state.added} of ${state.childCount}`,
  ].join('\n');
  const throttle = state.settings.maxParallel !== undefined ? `\n\n**MaxParallel:** ${state.settings.maxParallel} children at once` : '';
  return (
    `**${jobHeadline(state)}**\n\n` +
    `**${state.status}** — array job \`${state.jobId}\` on pool \`${state.poolId}\` (connection \`${connection}\`)\n\n` +
    `${counts}${throttle}

${note}${reasonLine(state.statusReason)}

_Last updated ${clock(now)}_`
  );
}

export function singleDetails(state: SingleJobState, note: string, now: Date): string {
  // Unnamed, the headline would only repeat the status the next line starts with.
  const headline = state.name !== undefined ? `**${jobHeadline(state)}**\n\n` : '';
  return (
    headline +
    `**${state.status}** — Azure job \`${state.jobId}\`, task \`${state.taskId}\` on pool \`${state.poolId}\`\n\n` +
    `${note}${reasonLine(state.statusReason)}\n\n_Last updated ${clock(now)}_`
  );
}
