import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, stackEnv } from './support/cli';

const noStackTrace = /\n\s+at [\w<.]/;

/** A command job run to its end (Succeeded): its id. */
async function finishedJob(commandLine: string): Promise<string> {
  const run = await runCli(['submit', '--command', commandLine, '--wait']);
  expect(run.code).toBe(0);
  return run.stdout.split('\n')[0];
}

describe('remote-batch refuses bad input clearly', () => {
  let jobId: string;
  beforeAll(async () => {
    const run = await runCli(['submit', '--command', 'true', '--wait']);
    expect(run.code).toBe(0);
    jobId = run.stdout.split('\n')[0];
  });

  it('suggests the closest command and flag (exit 2)', async () => {
    const command = await runCli(['wach', jobId]);
    expect(command.code).toBe(2);
    expect(command.stderr).toContain('Did you mean watch?');
    const flag = await runCli(['logs', jobId, '--folow']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('Did you mean --follow?');
  });

  it('names PoolID when no pool is given (exit 2)', async () => {
    const run = await runCli(['submit', '--command', 'true'], { env: stackEnv({ REMOTE_BATCH_POOL: '' }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('remote-batch: PoolID is required: pass --pool <id> or set REMOTE_BATCH_POOL (the Azure Batch pool jobs run on).\n');
  });

  it('names PoolID for a pool the Batch account does not have (exit 3)', async () => {
    const run = await runCli(['--pool', 'nowhere', 'submit', '--command', 'true']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("PoolID: there is no pool 'nowhere' in the Batch account of connection 'local'");
  });

  it('says "no job X in this environment" for an unknown id, not a stack trace (exit 3)', async () => {
    const commands = ['status', 'watch', 'logs', 'result', 'outputs', 'abort'];
    const runs = await Promise.all(commands.map((command) => runCli([command, 'rb-does-not-exist'])));
    for (const run of runs) {
      expect(run.code).toBe(3);
      expect(run.stderr).toBe('remote-batch: no job rb-does-not-exist in this environment (pool local, connection local)\n');
    }
  });

  it("says a job of another pool is not in this environment, and whose it is (exit 3)", async () => {
    const run = await runCli(['--pool', 'single', 'status', jobId]);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`no job ${jobId} in this environment (pool single, connection local); it belongs to pool local, connection local`);
  });

  it('names an unknown connection (exit 3)', async () => {
    const run = await runCli(['--connection', 'nope', 'submit', '--command', 'true']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("No connection named 'nope'");
    expect(run.stderr).toContain("remote-batch login --name nope");
    expect(run.stderr).not.toMatch(noStackTrace);
  });

  it("says Azure refused a connection's wrong Batch key (exit 5), not a TypeError and a stack trace", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-badkey-'));
    try {
      const saved = JSON.parse(fs.readFileSync(process.env.REMOTE_BATCH_CONNECTIONS_FILE!, 'utf8')) as { connections: Record<string, { batch: Record<string, string> }> };
      const local = saved.connections.local;
      saved.connections.badkey = { ...local, batch: { ...local.batch, accountKey: Buffer.from('not the account key').toString('base64') } };
      const file = path.join(folder, 'connections.json');
      fs.writeFileSync(file, JSON.stringify(saved), { mode: 0o600 });
      const run = await runCli(['--connection', 'badkey', 'submit', '--command', 'true'], { env: stackEnv({ REMOTE_BATCH_CONNECTIONS_FILE: file }) });
      expect(run).toMatchObject({ code: 5, stdout: '' });
      expect(run.stderr).toMatch(/^remote-batch: Azure refused the connection's credentials \(403\): Server failed to authenticate the request\..* — check them with 'remote-batch login --new'\.\n$/);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses an unknown connection for listing too, instead of "no jobs" (exit 3)', async () => {
    const run = await runCli(['--connection', 'nope', 'ls']);
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^remote-batch: No connection named 'nope'/);
  });

  it('names the job id argument when it is empty (exit 2)', async () => {
    for (const empty of ['', '  ']) {
      const run = await runCli(['status', empty]);
      expect(run.code).toBe(2);
      expect(run.stderr).toBe("remote-batch: The job id is empty: name a job by its id (rb-…, as submit printed it, or as listJobs and 'remote-batch ls' list it).\n");
    }
  });

  it('answers an unknown property as not found, with the closest name (exit 3)', async () => {
    const run = await runCli(['status', jobId, 'JobStatu']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("'JobStatu' is not a property of this job. Did you mean 'JobStatus'?");
  });

  it('tells how to wait for the outputs of a job still running (exit 4)', async () => {
    const running = await runCli(['submit', '--command', 'sleep 20']);
    const run = await runCli(['outputs', running.stdout.trim()]);
    expect(run.code).toBe(4);
    expect(run.stderr).toMatch(/is still (Active|Running); it has not ended yet \(add --wait to wait for it; outputs are uploaded when it ends\)/);
    await runCli(['abort', running.stdout.trim()]);
  });

  it("finds the local stack's connection through REMOTE_BATCH_DATA_DIR, as npm run stack does", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-home-'));
    try {
      // No connections file of the user's: only the stack's data folder can answer for 'local'.
      const env = stackEnv({ HOME: home, REMOTE_BATCH_CONNECTIONS_FILE: undefined, REMOTE_BATCH_DATA_DIR: path.dirname(process.env.REMOTE_BATCH_CONNECTIONS_FILE!) });
      const run = await runCli(['status', jobId, 'JobStatus'], { env });
      expect(run).toMatchObject({ code: 0, stdout: 'Succeeded\n' });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  it('refuses bad settings before anything is created, naming them (exit 2)', async () => {
    const [vcpus, image, script] = await Promise.all([
      runCli(['submit', '--command', 'true', '--vcpu-count', '9']),
      runCli(['submit', '--command', 'true', '--container-image', 'Not An Image']),
      runCli(['submit', 'no/such/script.ts']),
    ]);
    expect(vcpus.code).toBe(2);
    expect(vcpus.stderr).toContain("VCPUCount 9 is more than the 4 task slots per node of pool 'local'");
    expect(image.code).toBe(2);
    expect(image.stderr).toContain('ContainerImage must be a Docker image reference');
    expect(script.code).toBe(2);
    expect(script.stderr).toContain("The script 'no/such/script.ts' does not exist");
  });

  it('refuses a folder given as the script or an input, and an unclosed quote in --command, naming them (exit 2)', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-folder-'));
    try {
      const [script, input, quote] = await Promise.all([
        runCli(['submit', folder]),
        runCli(['submit', '--command', 'true', '--input', folder]),
        runCli(['submit', '--command', '/bin/sh -c "echo hi']),
      ]);
      expect(script).toMatchObject({ code: 2, stderr: expect.stringContaining(`The script '${folder}' is a folder; give the JS/TS module to run`) });
      expect(input).toMatchObject({ code: 2, stderr: expect.stringContaining(`The input file '${folder}' is a folder`) });
      expect(quote).toMatchObject({ code: 2, stderr: expect.stringContaining('command: the command line has a double quote (") at character 12 that is never closed') });
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses --download onto a file or under one, naming it (exit 2, not a raw EEXIST)', async () => {
    const id = await finishedJob('/bin/sh -c "mkdir -p JobOutput && echo x > JobOutput/a.txt"');
    const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-download-'));
    try {
      const file = path.join(scratch, 'a-file');
      fs.writeFileSync(file, 'in the way');
      const onto = await runCli(['outputs', id, '--download', file]);
      expect(onto).toMatchObject({ code: 2, stderr: `remote-batch: --download: '${file}' is a file, not a folder; give a folder to download into (it is created if missing).\n` });
      const under = await runCli(['outputs', id, '--download', path.join(file, 'sub')]);
      expect(under.code).toBe(2);
      expect(under.stderr).toContain(`--download: cannot create the folder '${path.join(file, 'sub')}': a part of the path is a file, not a folder`);
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  });

  it("says a deleted job's log, result and outputs are gone (exit 3), where they printed nothing, exit 70 or 'wrote no files'; its status still reads", async () => {
    const id = await finishedJob('/bin/sh -c "echo hello; mkdir -p JobOutput && echo x > JobOutput/a.txt && echo 7 > result.json"');
    expect(await runCli(['logs', id])).toMatchObject({ code: 0, stdout: 'hello\n' });
    expect((await runCli(['delete', id, '--yes'])).code).toBe(0);
    const gone = (what: string) => `remote-batch: ${id} was deleted: its blob container job-${id} is gone (remote-batch delete or clean removed it), so its ${what} can no longer be read. Its status still can: remote-batch status ${id}.\n`;
    const [logs, result, outputs, download, evaluation] = await Promise.all([
      runCli(['logs', id]),
      runCli(['result', id]),
      runCli(['outputs', id]),
      runCli(['outputs', id, '--download', path.join(os.tmpdir(), `rb-never-${id}`)]),
      runCli(['status', id, 'EvaluationResult']),
    ]);
    expect(logs).toMatchObject({ code: 3, stdout: '', stderr: gone('log') });
    expect(result).toMatchObject({ code: 3, stdout: '', stderr: gone('result') });
    expect(outputs).toMatchObject({ code: 3, stdout: '', stderr: gone('output files') });
    expect(download).toMatchObject({ code: 3, stdout: '', stderr: gone('output files') });
    expect(evaluation).toMatchObject({ code: 3, stdout: '', stderr: gone('result') });
    expect(await runCli(['status', id, 'JobStatus'])).toMatchObject({ code: 0, stdout: 'Succeeded\n' });
  });

  it("says a deleted array's children are gone (exit 3), and shows its own status with a note", async () => {
    const run = await runCli(['map', '--command', '/bin/sh -c "cat $REMOTE_BATCH_ELEMENT_FILE > result.json"', '1', '2', '--wait']);
    expect(run.code).toBe(0);
    const id = run.stdout.split('\n')[0];
    expect((await runCli(['delete', id, '--yes'])).code).toBe(0);
    const children = `${id} was deleted: its blob container job-${id} is gone (remote-batch delete or clean removed it), so its children's results, logs and outputs can no longer be read.`;
    const [result, childResult, childLogs, outputs, status] = await Promise.all([
      runCli(['result', id]),
      runCli(['result', `${id}/1`]),
      runCli(['logs', `${id}/2`]),
      runCli(['outputs', id]),
      runCli(['status', id]),
    ]);
    for (const reader of [result, childResult, childLogs]) expect(reader).toMatchObject({ code: 3, stdout: '', stderr: expect.stringContaining(children) });
    expect(outputs).toMatchObject({ code: 3, stderr: expect.stringContaining(`${id} was deleted: its blob container job-${id} is gone`) });
    expect(status.code).toBe(0);
    expect(status.stdout).toMatch(/^JobStatus +Completed$/m);
    expect(status.stderr).toContain(children);
  });

  it('reports an unreachable Temporal server from its first refused connection, not after retrying (exit 6)', async () => {
    const run = await runCli(['status', jobId], { env: stackEnv({ TEMPORAL_ADDRESS: '127.0.0.1:9' }) });
    // The refusal (ECONNREFUSED) of the one probe is what it reports; a retrying gRPC connect would end on its deadline instead.
    expect(run).toMatchObject({
      code: 6,
      stdout: '',
      stderr: "remote-batch: cannot reach the Temporal server at 127.0.0.1:9 (ECONNREFUSED; set TEMPORAL_ADDRESS). 'remote-batch stack' starts a local one.\n",
    });
  });
});
