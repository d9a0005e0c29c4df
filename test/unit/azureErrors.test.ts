import { ApplicationFailure } from '@temporalio/common';
import { sanitizedActivityErrors } from '../../src/activities/azureErrors';

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
});
