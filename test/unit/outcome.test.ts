import { clientAbort, outcomeOfTask, temporalCancellation } from '../../src/model/outcome';

describe('the outcome of a finished task', () => {
  it('is Succeeded only with exit code 0 and a successful result', () => {
    expect(outcomeOfTask({ state: 'completed', exitCode: 0, result: 'success' }).status).toBe('Succeeded');
  });

  it('is Failed when exit code 0 but the output upload failed', () => {
    const outcome = outcomeOfTask({
      state: 'completed',
      exitCode: 0,
      result: 'failure',
      failure: { category: 'usererror', code: 'FileUploadFailed', message: 'One or more output files failed to upload' },
    });
    expect(outcome.status).toBe('Failed');
    expect(outcome.statusReason).toContain('FileUploadFailed');
  });

  it('names the blob a missing resource file is, and whose job it belongs to (never its SAS)', () => {
    const missing = (name: string) =>
      outcomeOfTask({
        state: 'completed',
        result: 'failure',
        failure: { category: 'usererror', code: 'BlobNotFound', message: 'A resource file required for the task does not exist', blob: { container: 'job-rb-12', name } },
      }).statusReason;
    expect(missing('inputs/data.csv')).toBe("A resource file required for the task does not exist (usererror error BlobNotFound): blob 'inputs/data.csv' of job rb-12 (container job-rb-12).");
    expect(missing('inputs/remote-batch-job.js')).toContain("blob 'inputs/remote-batch-job.js' (the job's bundled script) of job rb-12");
  });

  it('names the exit code of a failing task', () => {
    const outcome = outcomeOfTask({ state: 'completed', exitCode: 3, result: 'failure' });
    expect(outcome).toMatchObject({ status: 'Failed', exitCode: 3 });
    expect(outcome.statusReason).toContain('exited with code 3');
  });

  it('says the client terminated the job, and why', () => {
    const outcome = outcomeOfTask({ state: 'completed', exitCode: -1 }, clientAbort('no longer needed').statusReason);
    expect(outcome.status).toBe('Failed');
    expect(outcome.statusReason).toMatch(/remote-batch client: no longer needed$/);
  });

  it('says a cancellation from Temporal ended the job, and who asked', () => {
    const cancel = temporalCancellation('alice@example');
    expect(outcomeOfTask({ state: 'completed', exitCode: -1 }, cancel.statusReason).statusReason).toMatch(/^Cancelled from Temporal by alice@example/);
    expect(temporalCancellation('x'.repeat(100)).azureReason.length).toBeLessThanOrEqual(64);
  });
});

describe('the terminate reason sent to Azure', () => {
  it('fits Batch limit of 64 characters', () => {
    const { azureTerminateReason } = require('../../src/model/outcome');
    expect(azureTerminateReason('x'.repeat(200))).toHaveLength(64);
    expect(azureTerminateReason('done')).toBe('remote-batch abort: done');
  });
});
