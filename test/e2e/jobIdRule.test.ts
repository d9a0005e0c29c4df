import { randomUUID } from 'node:crypto';
import { ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { taskQueue } from '../../src/client';
import { stackEnvironments } from './support/environments';

/** docs/any-language.md, "Job ids and containers": a job's blobs are at job-<job id>, so a workflow refuses an id that names no container. */
describe('the job id rule, as any-language callers meet it', () => {
  const { local } = stackEnvironments();
  const command = { environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: 'true' } };

  it.each(['singleJob', 'arrayJob'])('%s started under a workflow id with capitals and underscores fails at once, naming the rule', async (type) => {
    const client = await local.client();
    const handle = await client.workflow.start(type, {
      taskQueue,
      workflowId: `Py_Upper_${randomUUID()}`,
      args: [(type === 'arrayJob' ? { ...command, elementCount: 1 } : command) as never],
    });
    const error = await handle.result().then(() => undefined, (failure: unknown) => failure);
    expect(error).toBeInstanceOf(WorkflowFailedError);
    const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
    expect(cause.type).toBe('InvalidInput');
    expect(cause.nonRetryable).toBe(true);
    expect(cause.message).toContain('is not a valid job id: 1 to 59 lowercase letters, digits and hyphens');
  });
});
