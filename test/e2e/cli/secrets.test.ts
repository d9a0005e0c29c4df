import { Client, Connection } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import fs from 'node:fs';
import path from 'node:path';
import { printed, runCli, stackEnv } from './support/cli';
import { stackConnection, tempConnectionsFile } from './support/stackConnection';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', name);

describe('secrets scan: after a run with a saved connection, no key or SAS signature is anywhere', () => {
  const secrets = stackConnection();
  let file: string;
  let cleanup: () => void;
  beforeAll(() => ({ file, cleanup } = tempConnectionsFile()));
  afterAll(() => cleanup());

  /** Where each secret must never appear; a SAS signature is recognised by its `sig=` parameter. */
  const needles: [string, string][] = [
    ['the Batch account key', secrets.batchKey],
    ['the Storage account key', secrets.storageKey],
    ['the Storage account key, URL-encoded', encodeURIComponent(secrets.storageKey)],
    ['the Storage connection string', secrets.storageConnectionString],
    ['a SAS signature', 'sig='],
  ];
  const leaksIn = (where: string, content: Buffer | string): string[] => {
    const bytes = Buffer.isBuffer(content) ? content : Buffer.from(content);
    return needles.filter(([, needle]) => bytes.includes(needle)).map(([what]) => `${what} in ${where}`);
  };

  it('is in no workflow history, memo, search attribute, worker log line or CLI output', async () => {
    // The saved connection, made with login as a user would (named `local`, so the stack's worker knows it too).
    const login = await runCli(
      ['login', '--name', 'local', '--batch-url', secrets.batchUrl, '--account', secrets.batchAccount, '--key-stdin', '--storage-connection-string-stdin', '--yes'],
      { env: stackEnv({ REMOTE_BATCH_CONNECTIONS_FILE: file }), input: `${secrets.batchKey}\n${secrets.storageConnectionString}\n` },
    );
    expect(login.code).toBe(0);
    const env = stackEnv({ REMOTE_BATCH_CONNECTIONS_FILE: file });

    // A run that exercises every SAS path: an uploaded script and input (read SAS), logs and outputs (write SAS).
    const [submit, withOutputs, long] = await Promise.all([
      runCli(['submit', fixture('add.ts'), '4', '5', '--input', fixture('data.bin'), '--wait'], { env }),
      runCli(['submit', '--input', fixture('data.bin'), '--command', '/bin/sh -c "mkdir -p JobOutput && cp data.bin JobOutput/"', '--wait'], { env }),
      runCli(['submit', '--command', 'sleep 30'], { env }),
    ]);
    expect([submit.code, withOutputs.code, long.code]).toEqual([0, 0, 0]);
    const jobId = submit.stdout.split('\n')[0];
    const outputsJobId = withOutputs.stdout.split('\n')[0];
    const longJobId = long.stdout.trim();
    const reads = [
      ['status', jobId, '--all', '--json'],
      ['status', jobId, '--all'],
      ['result', jobId],
      ['logs', jobId],
      ['logs', jobId, '--stderr'],
      ['outputs', outputsJobId, '--json'],
      ['outputs', outputsJobId, '--download', path.join(path.dirname(file), 'out')],
      ['ls', '--json'],
      ['env', '--check', '--json'],
      ['env'],
      ['abort', longJobId, '--reason', 'secrets scan', '--wait'],
    ];
    const runs = await Promise.all(reads.map((args) => runCli(args, { env })));
    expect(runs.map((run, i) => ({ args: reads[i], code: run.code }))).toEqual(reads.map((args) => ({ args, code: 0 })));

    const leaks: string[] = [];
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    try {
      const client = new Client({ connection });
      let workflows = 0;
      for await (const execution of client.workflow.list()) {
        workflows++;
        const handle = client.workflow.getHandle(execution.workflowId, execution.runId);
        const history = temporal.api.history.v1.History.encode(await handle.fetchHistory()).finish();
        leaks.push(...leaksIn(`the history of ${execution.workflowId}`, Buffer.from(history)));
        // Memo, search attributes, summary and details: all in the description.
        const description = temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse.encode((await handle.describe()).raw).finish();
        leaks.push(...leaksIn(`the memo, search attributes or details of ${execution.workflowId}`, Buffer.from(description)));
      }
      expect(workflows).toBeGreaterThanOrEqual(3);
    } finally {
      await connection.close();
    }
    leaks.push(...leaksIn('the worker log', fs.readFileSync(path.join(process.env.REMOTE_BATCH_TEST_LOGS_DIR!, 'worker.log'))));
    leaks.push(...leaksIn('the CLI output', printed.join('\n')));
    expect(leaks).toEqual([]);

    // The scan can see a secret where there is one: the connections file holds them all.
    expect(leaksIn('the connections file', fs.readFileSync(file)).length).toBeGreaterThanOrEqual(3);
  });
});
