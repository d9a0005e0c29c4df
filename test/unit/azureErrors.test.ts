import { ApplicationFailure } from '@temporalio/common';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sanitizedActivityErrors } from '../../src/activities/failures';
import { resolveConnection } from '../../src/connections/store';

/** An error shaped like the Azure SDKs' RestError, carrying the request it failed on. */
function restError(statusCode: number, code: string, reason: string): Error {
  return Object.assign(new Error('[object Object]'), {
    name: 'RestError',
    statusCode,
    body: { code, message: { value: `${code} happened\nRequestId:1` }, values: [{ key: 'Reason', value: reason }] },
    request: { url: 'http://x/jobs/j/tasks?sig=SECRET1', body: '{"resourceFiles":[{"httpUrl":"http://a/b?sv=1&sig=SECRET2"}]}' },
  });
}

async function failureOf(error: unknown): Promise<ApplicationFailure> {
  const interceptor = sanitizedActivityErrors().inbound!;
  try {
    await interceptor.execute!({ args: [], headers: {} }, () => Promise.reject(error));
  } catch (thrown) {
    return thrown as ApplicationFailure;
  }
  throw new Error('expected the interceptor to throw');
}

describe('activity failures on their way to logs and history', () => {
  it("turn Azure's permanent refusals into non-retryable failures naming the code, with nothing of the request", async () => {
    const failure = await failureOf(restError(400, 'InvalidPropertyValue', 'The value http://a/b?sig=SECRET3 is too long.'));
    expect(failure).toBeInstanceOf(ApplicationFailure);
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toBe('InvalidPropertyValue');
    expect(failure.message).toContain('Azure refused the request (InvalidPropertyValue)');
    expect(JSON.stringify({ message: failure.message, cause: failure.cause, details: failure.details })).not.toMatch(/SECRET/);
    expect(failure.cause).toBeUndefined();
  });

  it('keep transient errors retryable, redacted, under their own type name', async () => {
    const failure = await failureOf(restError(503, 'ServerBusy', 'busy; retry http://c?sig=SECRET4'));
    expect(failure.nonRetryable).toBe(false);
    expect(failure.message).not.toContain('SECRET4');
    const named = await failureOf(Object.assign(new Error('No connection named x'), { name: 'ConnectionNotFoundError' }));
    expect(named.type).toBe('ConnectionNotFoundError');
  });

  it("say a connection is unknown without naming the worker's files, which stay in its log", async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'connections-'));
    const file = path.join(folder, 'connections.json');
    fs.writeFileSync(file, JSON.stringify({ connections: {} }));
    const errorOf = (name: string): unknown => {
      try {
        resolveConnection(name, { REMOTE_BATCH_CONNECTIONS_FILE: file });
      } catch (error) {
        return error;
      }
      throw new Error(`connection ${name} resolved`);
    };
    const unknown = errorOf('nope');
    expect((unknown as Error).message).toContain(file);
    const failure = await failureOf(unknown);
    expect(failure.type).toBe('ConnectionNotFoundError');
    expect(failure.message).toContain("The worker has no connection named 'nope'");
    expect(failure.message).not.toContain(folder);

    fs.writeFileSync(file, '{ "connections": { "x": AccountKey=SECRET5');
    const broken = await failureOf(errorOf('x'));
    expect(broken.type).toBe('ConnectionsFileError');
    expect(broken.message).not.toMatch(new RegExp(`${folder}|SECRET5`));
  });
});
