import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { ensureTemporalCli } from '../../src/stack/temporalCli';

/** What a service in any language does: only the `temporal` CLI and JSON, no TypeScript client. */
function temporal(...args: string[]): string {
  return execFileSync(ensureTemporalCli(), [...args, '--address', process.env.TEMPORAL_ADDRESS!], { encoding: 'utf8' });
}

function startCommandJob(commandLine: string): string {
  const workflowId = `cli-${randomUUID()}`;
  const input = { environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine } };
  temporal('workflow', 'start', '--type', 'singleJob', '--task-queue', 'remote-batch', '--workflow-id', workflowId, '--input', JSON.stringify(input));
  return workflowId;
}

/**
 * The job's final state: the result of a completed workflow, or the details of
 * the RemoteBatchJobFailed failure a failed one closes with (the CLI exits 1 then).
 */
function result(workflowId: string): { status: string; exitCode?: number; statusReason?: string; jobId: string } {
  let output: string;
  try {
    output = temporal('workflow', 'result', '--workflow-id', workflowId, '--output', 'json');
  } catch (error) {
    output = String((error as { stdout?: string }).stdout);
  }
  const parsed = JSON.parse(output);
  if (parsed.status === 'FAILED') {
    const failure = parsed.closeEvent.workflowExecutionFailedEventAttributes.failure;
    expect(failure.applicationFailureInfo.type).toBe('RemoteBatchJobFailed');
    return failure.applicationFailureInfo.details[0];
  }
  return parsed.result ?? parsed;
}

describe('the workflows driven by the temporal CLI alone', () => {
  it('starts a command job by workflow type and JSON input and reads its result', () => {
    const workflowId = startCommandJob('/bin/sh -c "exit 0"');
    expect(result(workflowId)).toMatchObject({ status: 'Succeeded', exitCode: 0, jobId: workflowId });
  });

  it('aborts another job with a signal, and the reason is in its result', async () => {
    const workflowId = startCommandJob('/bin/sh -c "sleep 60"');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    temporal('workflow', 'signal', '--workflow-id', workflowId, '--name', 'abort', '--input', JSON.stringify('stopped from the shell'));
    const outcome = result(workflowId);
    expect(outcome.status).toBe('Failed');
    expect(outcome.statusReason).toContain('stopped from the shell');
  });
});
