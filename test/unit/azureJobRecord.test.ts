import { type AzureJobRecord, jobRecordMetadata, jobRecordOf, maxJobRecordBytes } from '../../src/model/azureJobRecord';
import { initialArrayJobState } from '../../src/model/jobStates';
import { validateSettings } from '../../src/model/settings';

const settings = validateSettings({});
const environment = { poolId: 'cpu', connection: 'local' };

describe("an Azure job's record of what it is (Batch metadata)", () => {
  it('reads back what the workflow wrote: kind, body kind and starting state', () => {
    const state = initialArrayJobState(
      { environment, body: { kind: 'script', bundleBlob: 'inputs/b.js', args: [] }, settings, inputs: [], elementCount: 5, spanSize: 2, submittedAt: '2026-01-01T00:00:00Z' },
      'rb-1',
      '2026-01-01T00:00:00Z',
    );
    const record: AzureJobRecord = { jobType: 'Array', bodyKind: 'script', state };
    const metadata = [{ name: 'remote-batch-workflow-id', value: 'rb-1' }, jobRecordMetadata(record)];
    expect(jobRecordOf(metadata)).toEqual(record);
  });

  it('leaves out the input file names of a job with very many, staying small', () => {
    const state = initialArrayJobState(
      {
        environment,
        body: { kind: 'command', commandLine: 'true' },
        settings,
        inputs: Array.from({ length: 2000 }, (_, at) => ({ name: `input-file-${at}.csv`, blob: `inputs/input-file-${at}.csv` })),
        elementCount: 1,
        spanSize: 1,
        submittedAt: '2026-01-01T00:00:00Z',
      },
      'rb-2',
      '2026-01-01T00:00:00Z',
    );
    const item = jobRecordMetadata({ jobType: 'Array', bodyKind: 'command', state });
    expect(item.value.length).toBeLessThanOrEqual(maxJobRecordBytes);
    expect(jobRecordOf([item])).toEqual({ jobType: 'Array', bodyKind: 'command', state: { ...state, inputNames: [] } });
  });

  it('is absent for jobs created without one, and for metadata that is not ours or not whole', () => {
    expect(jobRecordOf(undefined)).toBeUndefined();
    expect(jobRecordOf([{ name: 'remote-batch-workflow-id', value: 'rb-1' }])).toBeUndefined();
    expect(jobRecordOf([{ name: 'remote-batch-job', value: '{not json' }])).toBeUndefined();
    expect(jobRecordOf([{ name: 'remote-batch-job', value: JSON.stringify({ jobType: 'Array', bodyKind: 'command', state: { jobId: 'x' } }) }])).toBeUndefined();
    expect(jobRecordOf([{ name: 'remote-batch-job', value: JSON.stringify({ jobType: 'Pipeline', bodyKind: 'command', state: {} }) }])).toBeUndefined();
  });
});
