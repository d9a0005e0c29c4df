import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { ManagedProcess } from '../../src/stack/managedProcess';
import { startWorkerProcess } from '../../src/stack/workerProcess';
import { clientInterceptorsFromEnvironment, flushClientTracing } from '../../src/telemetry/clientTracing';
import { waitFor } from '../support/waitFor';

interface ReceivedSpan {
  name: string;
  traceId: string;
  service: string;
}

/** A minimal OTLP/HTTP collector: keeps the spans of every JSON export POSTed to /v1/traces. */
async function startOtlpReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; bodies: string[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const bodies: string[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/v1/traces') {
        bodies.push(Buffer.concat(chunks).toString('utf8'));
        const body = JSON.parse(bodies[bodies.length - 1]) as {
          resourceSpans?: {
            resource?: { attributes?: { key: string; value: { stringValue?: string } }[] };
            scopeSpans?: { spans?: { name: string; traceId: string }[] }[];
          }[];
        };
        for (const resourceSpans of body.resourceSpans ?? []) {
          const service = resourceSpans.resource?.attributes?.find((attribute) => attribute.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of resourceSpans.scopeSpans ?? []) for (const span of scope.spans ?? []) spans.push({ name: span.name, traceId: span.traceId, service });
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    bodies,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

describe('OpenTelemetry traces over OTLP', () => {
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let worker: ManagedProcess;
  // A queue of its own, so only the traced worker runs this test's job.
  const taskQueue = `traced-${process.pid}`;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    worker = await startWorkerProcess({
      temporalAddress: process.env.TEMPORAL_ADDRESS!,
      namespace: 'default',
      connectionsFile: process.env.REMOTE_BATCH_CONNECTIONS_FILE!,
      logFile: path.join(process.env.REMOTE_BATCH_TEST_LOGS_DIR!, 'worker-traced.log'),
      taskQueue,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'traced-worker' },
    });
  });

  afterAll(async () => {
    await worker?.stop();
    await receiver?.close();
  });

  it('exports one trace from the client through the workflow to its activities', async () => {
    const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
    const client = new Client({
      connection,
      interceptors: clientInterceptorsFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'traced-client' }),
    });
    const workflowId = `traced-${randomUUID()}`;
    try {
      const handle = await client.workflow.start('singleJob', {
        taskQueue,
        workflowId,
        args: [{ environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: 'true' } }],
      });
      expect(await handle.result()).toMatchObject({ status: 'Succeeded' });
      await flushClientTracing();
    } finally {
      await connection.close();
    }

    const spans = await waitFor(
      async () => [...receiver.spans],
      (received) =>
        ['StartWorkflow:singleJob', 'RunWorkflow:singleJob', 'StartActivity:createAzureJob', 'RunActivity:createAzureJob', 'RunActivity:addJobTask'].every(
          (name) => received.some((span) => span.name === name),
        ),
      60_000,
      'client, workflow and activity spans',
      200,
    );
    const start = spans.find((span) => span.name === 'StartWorkflow:singleJob')!;
    expect(start.service).toBe('traced-client');
    const run = spans.find((span) => span.name === 'RunWorkflow:singleJob')!;
    expect(run.service).toBe('traced-worker');
    // One trace: the client's context travelled in the workflow's headers, and from there to each activity.
    expect(run.traceId).toBe(start.traceId);
    expect(spans.find((span) => span.name === 'RunActivity:createAzureJob')!.traceId).toBe(start.traceId);
    // Spans leave the machine: no SAS signature or account key in any of them.
    expect(receiver.bodies.filter((body) => /[?&]sig=|AccountKey=|SharedKey /.test(body))).toEqual([]);
  });
});
