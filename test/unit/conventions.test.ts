import { jobContainerName, taskLogPath, taskOutputPath } from '../../src/model/conventions';

describe('Batch File Conventions names', () => {
  it('uses job-<id> when the job id is already a valid container name', () => {
    expect(jobContainerName('rb-0f8fad5b-d9cb-469f-a165-70867728950e')).toBe('job-rb-0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it('normalizes ids that are not valid container names, keeping distinct ids distinct', () => {
    const a = jobContainerName('My_Job__One');
    const b = jobContainerName('my-job-one');
    expect(a).toMatch(/^job-my-job-one-[0-9a-f]{8}$/);
    expect(b).toBe('job-my-job-one');
    expect(a).not.toBe(b);
  });

  it('keeps long ids within the 63-character container limit', () => {
    const name = jobContainerName('x'.repeat(64));
    expect(name.length).toBeLessThanOrEqual(63);
    expect(name).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });

  it('places outputs and logs under the task id', () => {
    expect(taskOutputPath('10000000', 'result.json')).toBe('10000000/$TaskOutput/result.json');
    expect(taskLogPath('10000000', 'stdout.txt')).toBe('10000000/$TaskLog/stdout.txt');
  });
});
