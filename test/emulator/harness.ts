import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BatchServiceClient, BatchSharedKeyCredentials, type BatchServiceModels } from '@azure/batch';
import { waitFor } from '../support/waitFor';
import { startEmulator, DEFAULT_ACCOUNT_KEY, DEFAULT_ACCOUNT_NAME, type EmulatorOptions } from '../../src/emulator';

export { waitFor };

type RunningEmulator = Awaited<ReturnType<typeof startEmulator>>;

// Scenarios run real processes; on a busy 2-core machine a few take longer than Jest's 5 s default.
jest.setTimeout(30_000);

export interface Harness {
  emulator: RunningEmulator;
  client: BatchServiceClient;
  dataDir: string;
  /** Stops the emulator; the data folder stays for a restart unless `remove` is set. */
  close(remove?: boolean): Promise<void>;
}

/** An emulator on a free port with a fresh data folder, and an unmodified `@azure/batch` client for it. */
export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const dataDir = options.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'batch-emulator-test-'));
  const emulator = await startEmulator({ port: 0, log: () => undefined, ...options, dataDir });
  return {
    emulator,
    client: clientFor(emulator.url, options.accountName, options.accountKey),
    dataDir,
    async close(remove = true) {
      await emulator.close();
      if (remove) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function clientFor(url: string, account = DEFAULT_ACCOUNT_NAME, key = DEFAULT_ACCOUNT_KEY): BatchServiceClient {
  return new BatchServiceClient(new BatchSharedKeyCredentials(account, key), url);
}

let counter = 0;
/** A fresh, valid Batch id for one test. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${process.pid}-${++counter}`;
}

export function waitForTaskState(client: BatchServiceClient, jobId: string, taskId: string, states: BatchServiceModels.TaskState[] = ['completed'], timeoutMs?: number) {
  return waitFor(() => client.task.get(jobId, taskId), (task) => states.includes(task.state!), timeoutMs, `task ${jobId}/${taskId} to be ${states.join('/')}`);
}

export function waitForJobState(client: BatchServiceClient, jobId: string, state: BatchServiceModels.JobState, timeoutMs?: number) {
  return waitFor(() => client.job.get(jobId), (job) => job.state === state, timeoutMs, `job ${jobId} to be ${state}`);
}

/** A pool added or resized through the API is `resizing` while its nodes arrive (resizeDurationMs); this waits for the end. */
export function waitForPoolSteady(client: BatchServiceClient, poolId: string, timeoutMs?: number) {
  return waitFor(() => client.pool.get(poolId), (pool) => pool.allocationState === 'steady', timeoutMs, `pool ${poolId} to be steady`);
}

export async function readTaskFile(client: BatchServiceClient, jobId: string, taskId: string, filePath: string): Promise<string> {
  const response = await client.file.getFromTask(jobId, taskId, filePath);
  return streamToString(response.readableStreamBody!);
}

export function streamToString(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(Buffer.from(chunk)));
    stream.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    stream.on('error', reject);
  });
}

export interface BatchErrorShape {
  statusCode?: number;
  code?: string;
  body?: { code?: string; message?: { lang?: string; value?: string }; values?: Array<{ key: string; value: string }> };
}

/** Awaits a rejected SDK call and returns the RestError the client raised. */
export async function batchError(call: Promise<unknown>): Promise<BatchErrorShape> {
  try {
    await call;
  } catch (error) {
    return error as BatchErrorShape;
  }
  throw new Error('Expected the call to fail with a Batch error, but it succeeded.');
}

export function detail(error: BatchErrorShape, key: string): string | undefined {
  return error.body?.values?.find((value) => value.key === key)?.value;
}

/** A job on the default pool, ready for tasks. */
export async function addJob(client: BatchServiceClient, extra: Partial<BatchServiceModels.JobAddParameter> = {}): Promise<string> {
  const id = extra.id ?? uniqueId('job');
  await client.job.add({ id, poolInfo: { poolId: 'local' }, ...extra });
  return id;
}

/**
 * The barrier before a negative assert about a task that must stay active: a task
 * added after it that can run, in `jobId` (default: a new job on `poolId`). Once the
 * barrier has left `active`, the scheduler has made a placement pass (one pass covers
 * every pool, and a job's tasks in the order they were added) while the earlier
 * task was already waiting, so what that pass left undone is the scheduler's decision.
 */
export async function schedulingBarrier(client: BatchServiceClient, target: { poolId?: string; jobId?: string } = {}): Promise<void> {
  const jobId = target.jobId ?? (await addJob(client, { poolInfo: { poolId: target.poolId ?? 'local' } }));
  const taskId = uniqueId('barrier');
  await client.task.add(jobId, { id: taskId, commandLine: 'true' });
  await waitForTaskState(client, jobId, taskId, ['preparing', 'running', 'completed']);
}

export const sh = (script: string): string => `/bin/sh -c '${script.replace(/'/g, `'\\''`)}'`;

/**
 * A raw HTTP request signed by the SDK's own `BatchSharedKeyCredentials`, for what the
 * typed client cannot send (bad JSON, unknown fields, other api-versions, huge bodies).
 */
export async function signedFetch(
  url: string,
  method: string,
  options: { body?: string; headers?: Record<string, string>; account?: string; key?: string } = {},
): Promise<{ status: number; headers: Headers; text: string; json: () => BatchErrorShape['body'] & Record<string, unknown> }> {
  const { WebResource } = await import('@azure/ms-rest-js');
  const resource = new WebResource(url, method as never, options.body);
  if (options.body !== undefined) resource.headers.set('Content-Type', 'application/json; odata=minimalmetadata; charset=utf-8');
  for (const [name, value] of Object.entries(options.headers ?? {})) resource.headers.set(name, value);
  await new BatchSharedKeyCredentials(options.account ?? DEFAULT_ACCOUNT_NAME, options.key ?? DEFAULT_ACCOUNT_KEY).signRequest(resource);
  const response = await fetch(url, { method, headers: resource.headers.rawHeaders(), body: options.body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, json: () => JSON.parse(text) };
}
