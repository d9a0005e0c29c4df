import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { submit } from '../../src/client';
import { InvalidSettingError } from '../../src/model/errors';
import type { SingleJobState } from '../../src/model/jobStates';
import { waitFor } from '../support/waitFor';
import { runCli } from './cli/support/cli';
import { stackEnvironments } from './support/environments';

interface Received {
  headers: http.IncomingHttpHeaders;
  body: string;
  answered: number;
}

/** A real HTTP receiver that answers each POST with the next of `answers` (the last one from then on). */
async function receiver(answers: number[]): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      const answered = answers[Math.min(received.length, answers.length - 1)];
      received.push({ headers: request.headers, body, answered });
      response.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hooks/batch`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('completion notifications', () => {
  const { local: env } = stackEnvironments();

  it('POSTs the end of a job, signed, to a receiver that fails the first two tries; each delivery is in the state', async () => {
    const hook = await receiver([503, 500, 204]);
    try {
      const job = await submit(env, { command: '/bin/sh -c "echo 42 > result.json"' }, { name: 'hooked', notify: { url: hook.url, secret: 'E2E' } });
      expect(await job.wait()).toBe('Succeeded');
      // The job's end is read at once; its run closes once the notification has been delivered (or given up).
      const state = await waitFor(() => job.state() as Promise<SingleJobState>, (read) => read.notifications !== undefined, { what: 'the delivery to be recorded' });
      expect(state.notifications).toEqual([{ status: 'Succeeded', outcome: 'delivered', httpStatus: 204, attempts: 3, at: expect.any(String) }]);

      expect(hook.received.map((request) => request.answered)).toEqual([503, 500, 204]);
      const [first, , last] = hook.received;
      expect(last.body).toBe(first.body);
      expect(last.headers['x-remotebatch-delivery']).toBe(`${job.jobId}:1`);
      expect(last.headers['x-remotebatch-signature']).toBe(`sha256=${createHmac('sha256', 'e2e-notification-secret').update(last.body).digest('hex')}`);
      expect(JSON.parse(last.body)).toEqual({
        delivery: 1,
        jobId: job.jobId,
        jobType: 'Single',
        status: 'Succeeded',
        statusReason: expect.stringContaining('exited with code 0'),
        name: 'hooked',
        poolId: 'local',
        submittedAt: state.submittedAt,
        completedAt: state.completedAt,
        exitCode: 0,
      });
    } finally {
      await hook.close();
    }
  });

  it('tells every status change of an array with --notify-on changes, and does not retry a receiver that answers 404', async () => {
    const hook = await receiver([404]);
    try {
      const submitted = await runCli(['map', '--command', 'true', '--notify', hook.url, '--notify-on', 'changes', '--wait', '1', '2']);
      expect(submitted.code).toBe(0);
      const jobId = submitted.stdout.split('\n')[0];
      const notifications = await waitFor(
        async () => ((await (await env.client()).workflow.getHandle(jobId).describe()).memo?.state as { notifications?: unknown[] }).notifications ?? [],
        (recorded) => recorded.length === 2,
        { what: 'both notifications to be recorded' },
      );
      expect(notifications).toEqual([
        { status: 'Active', outcome: 'refused', httpStatus: 404, error: `${hook.url} answered 404 Not Found`, at: expect.any(String) },
        { status: 'Completed', outcome: 'refused', httpStatus: 404, error: `${hook.url} answered 404 Not Found`, at: expect.any(String) },
      ]);
      expect(hook.received.map((request) => JSON.parse(request.body).status)).toEqual(['Active', 'Completed']);
      expect(hook.received[0].headers['x-remotebatch-signature']).toBeUndefined();
    } finally {
      await hook.close();
    }
  });

  it('refuses a notification that is not to an http(s) URL or whose secret is not a name, before anything is created', async () => {
    await expect(submit(env, { command: 'true' }, { notify: { url: 'ftp://example.com/x' } })).rejects.toThrow(InvalidSettingError);
    await expect(submit(env, { command: 'true' }, { notify: { url: 'https://example.com/x', secret: 'not a name!' } })).rejects.toThrow(/^notify\.secret must name a secret the workers know/);
    const refused = await runCli(['submit', '--command', 'true', '--notify-on', 'changes']);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('--notify-secret and --notify-on go with --notify <url>') });
  });
});
