import path from 'node:path';
import { type ProviderSettings, submit } from '../../src/client';
import { InvalidSettingError } from '../../src/model/errors';
import { stackEnvironments } from './support/environments';
import { waitForStatus } from './support/jobs';

const fixture = (name: string) => path.join(__dirname, 'fixtures', name);

describe('single job settings on the local stack', () => {
  const { local, single } = stackEnvironments();

  it('starts the higher JobPriority first when two jobs compete for one slot', async () => {
    const blocker = await submit(single, { command: '/bin/sh -c "sleep 2"' });
    await waitForStatus(blocker, ['Running']);
    const low = await submit(single, { command: 'true' }, { settings: { JobPriority: -1 } });
    const high = await submit(single, { command: 'true' }, { settings: { JobPriority: 1 } });
    await waitForStatus(low, ['Succeeded', 'Failed'], 60_000);
    await waitForStatus(high, ['Succeeded', 'Failed'], 60_000);
    const lowStart = (await low.get('JobStartTime')) as Date;
    const highStart = (await high.get('JobStartTime')) as Date;
    expect(highStart.getTime()).toBeLessThanOrEqual(lowStart.getTime());
    expect(await high.get('ProviderSettings')).toMatchObject({ JobPriority: 1 });
  });

  it('lets the job see its VCPUCount as its processor count', async () => {
    const job = await submit(local, { command: '/bin/sh -c "echo cpus=$REMOTE_BATCH_PROCESSOR_COUNT"' }, { settings: { VCPUCount: 3 } });
    await waitForStatus(job, ['Succeeded', 'Failed']);
    expect(await job.get('JobLog')).toContain('cpus=3');
  });

  it('refuses a VCPUCount above the pool slots at submit, naming both numbers', async () => {
    await expect(submit(single, { command: 'true' }, { settings: { VCPUCount: 2 } })).rejects.toThrow(
      "VCPUCount 2 is more than the 1 task slots per node of pool 'single'",
    );
  });

  it('ends a job that exceeds its TimeConstraint as Failed, saying so', async () => {
    const job = await submit(local, { command: '/bin/sh -c "sleep 30"' }, { settings: { TimeConstraint: 1 } });
    await waitForStatus(job, ['Succeeded', 'Failed'], 30_000);
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(String(await job.get('JobStatusReason'))).toMatch(/wall ?clock|time/i);
  });

  it('places input files in the working directory and returns JobOutput files byte-identical', async () => {
    const input = fixture('data.bin');
    const job = await submit(
      local,
      { command: '/bin/sh -c "mkdir -p JobOutput/nested && cp data.bin JobOutput/nested/copy.bin && echo hi > JobOutput/note.txt"' },
      { inputFiles: [input] },
    );
    await waitForStatus(job, ['Succeeded', 'Failed']);
    expect(await job.get('JobStatus')).toBe('Succeeded');
    expect(await job.get('JobInputFilenames')).toEqual(['data.bin']);
    const outputs = await job.outputs();
    expect(outputs.map((file) => file.name).sort()).toEqual(['nested/copy.bin', 'note.txt']);
    const destination = path.join(require('node:os').tmpdir(), `rb-${process.pid}-copy.bin`);
    await job.downloadOutput('nested/copy.bin', destination);
    const fs = require('node:fs') as typeof import('node:fs');
    expect(fs.readFileSync(destination).equals(fs.readFileSync(input))).toBe(true);
    fs.rmSync(destination, { force: true });
  });

  it('refuses bad settings before anything is created, naming the setting', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ JobPriority: 2 }, /JobPriority/],
      [{ JobPriority: 'high' }, /JobPriority/],
      [{ VCPUCount: 1.5 }, /VCPUCount/],
      [{ ContainerImage: '' }, /ContainerImage/],
      [{ Priority: 1 }, /Unknown setting 'Priority'/],
    ];
    for (const [settings, message] of cases) {
      await expect(submit(local, { command: 'true' }, { settings: settings as ProviderSettings })).rejects.toThrow(message);
    }
  });

  it('refuses a script that does not exist or does not compile', async () => {
    await expect(submit(local, { script: fixture('missing.ts') })).rejects.toThrow(/does not exist/);
    await expect(submit(local, { script: fixture('broken.ts') })).rejects.toThrow(InvalidSettingError);
    await expect(submit(local, { script: fixture('broken.ts') })).rejects.toThrow(/could not be bundled/);
  });

  it('fails a script job whose result is not JSON-serialisable, saying so', async () => {
    const job = await submit(local, { script: fixture('add.ts'), exportName: 'notSerializable' });
    await waitForStatus(job, ['Succeeded', 'Failed']);
    expect(await job.get('JobStatus')).toBe('Failed');
    expect(await job.get('JobStatusReason')).toMatch(/not JSON-serialisable: result.callback is a function/);
  });
});
