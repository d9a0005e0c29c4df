import fs from 'node:fs';
import path from 'node:path';
import { batchEnvironment, submit } from '../../src/client';

/** Azurite keeps its telemetry instance id in this file of its folder, and only when telemetry is on. */
const telemetryIdFile = 'AzuriteConfig';

describe("the local stack's Azurite sends no telemetry", () => {
  const env = batchEnvironment({ poolId: 'local' });
  afterAll(() => env.close());

  it('runs Azurite with --disableTelemetry, and Azurite keeps no telemetry instance id after storing blobs', async () => {
    const logsDir = process.env.REMOTE_BATCH_TEST_LOGS_DIR!;
    const job = await submit(env, { command: '/bin/sh -c "echo stored"' });
    await job.wait();
    expect(await job.get('JobLog')).toBe('stored\n');

    const azuritePid = Number(fs.readFileSync(path.join(logsDir, 'azurite.pid'), 'utf8'));
    const args = fs.readFileSync(`/proc/${azuritePid}/cmdline`, 'utf8').split('\0');
    expect(args).toContain('--disableTelemetry');
    expect(fs.existsSync(path.join(logsDir, '..', 'azurite', telemetryIdFile))).toBe(false);
  });
});
