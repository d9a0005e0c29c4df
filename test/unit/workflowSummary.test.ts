import { jobStaticDetails, jobStaticSummary } from '../../src/model/workflowSummary';

const settings = { containerImage: 'node:20-slim', jobPriority: 0.5, vcpuCount: 2 };

describe("a job's summary and details in the Temporal UI", () => {
  it('says what a single command job is in one line', () => {
    const summary = jobStaticSummary({ type: 'Single', poolId: 'local', runs: { kind: 'command', commandLine: '/bin/sh -c "echo hi"' }, settings });
    // The command in a code span: the UI shows it as written, quotes and $ included, so it can be copied back.
    expect(summary).toBe('Single job on pool local: command `/bin/sh -c "echo hi"` · priority 0.5 · 2 vCPUs');
  });

  it('gives an array its child count and a script its file name', () => {
    const job = { type: 'Array' as const, poolId: 'gpu', runs: { kind: 'script' as const, fileName: 'square.ts', exportName: 'default' }, settings, childCount: 4, spanSize: 1 };
    expect(jobStaticSummary(job)).toBe('Array job of 4 children on pool gpu: script square.ts · priority 0.5 · 2 vCPUs');
    expect(jobStaticDetails(job)).toContain('- **children**: 4');
    expect(jobStaticDetails(job)).toContain('- **JobPriority**: 0.5 (Batch priority 500)');
  });

  it('keeps a long command to one short summary line, and to one line of the details', () => {
    const commandLine = `/bin/sh -c "echo \`date\` | tr a b\n${'x'.repeat(300)}"`;
    const job = { type: 'Single' as const, poolId: 'local', runs: { kind: 'command' as const, commandLine }, settings };
    const summary = jobStaticSummary(job);
    expect(summary.length).toBeLessThan(160);
    expect(summary).not.toContain('\n');
    const details = jobStaticDetails(job).split('\n');
    expect(details).toHaveLength(6);
    expect(details[2]).toMatch(/^- \*\*command\*\*: `\/bin\/sh -c "echo 'date' \| tr a b x+"`$/);
  });
});
