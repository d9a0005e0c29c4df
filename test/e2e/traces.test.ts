import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { ManagedProcess } from '../../src/stack/managedProcess';
import { startWorkerProcess } from '../../src/stack/workerProcess';
import { clientInterceptorsFromEnvironment, flushClientTracing } from '../../src/telemetry/clientTracing';
import { workflowBundleVariable, writeWorkflowBundle } from '../../src/workflowBundle';
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

let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
// The client's tracer provider is one per process, so one receiver serves every worker here.
beforeAll(async () => {
  receiver = await startOtlpReceiver();
});
afterAll(async () => {
  await receiver?.close();
});

async function runTracedJob(taskQueue: string): Promise<void> {
  const connection = await Connection.connect({ address: process.env.TEMPORAL_ADDRESS! });
  const client = new Client({
    connection,
    interceptors: clientInterceptorsFromEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_SERVICE_NAME: 'traced-client' }),
  });
  try {
    const handle = await client.workflow.start('singleJob', {
      taskQueue,
      workflowId: `traced-${randomUUID()}`,
      args: [{ environment: { poolId: 'local', connection: 'local' }, body: { kind: 'command', commandLine: 'true' } }],
    });
    expect(await handle.result()).toMatchObject({ status: 'Succeeded' });
    await flushClientTracing();
  } finally {
    await connection.close();
  }
}

describe.each([
  { how: 'bundling its workflows at start', name: 'bundled', prebuilt: false },
  { how: 'running a prebuilt workflow bundle (as the container image does)', name: 'prebuilt', prebuilt: true },
])('OpenTelemetry traces over OTLP from a worker $how', ({ name, prebuilt }) => {
  let worker: ManagedProcess;
  // A queue of its own, so only this traced worker runs the job.
  const taskQueue = `traced-${name}-${process.pid}`;
  const service = `traced-worker-${name}`;

  beforeAll(async () => {
    const logsDir = process.env.REMOTE_BATCH_TEST_LOGS_DIR!;
    const bundle = path.join(logsDir, `workflow-bundle-${name}.js`);
    if (prebuilt) await writeWorkflowBundle(bundle);
    worker = await startWorkerProcess({
      temporalAddress: process.env.TEMPORAL_ADDRESS!,
      namespace: 'default',
      connectionsFile: process.env.REMOTE_BATCH_CONNECTIONS_FILE!,
      logFile: path.join(logsDir, `worker-${service}.log`),
      taskQueue,
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_SERVICE_NAME: service,
        [workflowBundleVariable]: prebuilt ? bundle : '',
      },
    });
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it('exports one trace from the client through the workflow to its activities', async () => {
    await runTracedJob(taskQueue);
    const spans = await waitFor(
      async () => [...receiver.spans],
      (received) => {
        const run = received.find((span) => span.name === 'RunWorkflow:singleJob' && span.service === service);
        const trace = received.filter((span) => span.traceId === run?.traceId);
        return ['StartWorkflow:singleJob', 'StartActivity:prepareAzureJob', 'RunActivity:prepareAzureJob', 'RunActivity:addSingleTask'].every((wanted) =>
          trace.some((span) => span.name === wanted),
        );
      },
      60_000,
      'client, workflow and activity spans of one trace',
      200,
    );
    const run = spans.find((span) => span.name === 'RunWorkflow:singleJob' && span.service === service)!;
    const trace = spans.filter((span) => span.traceId === run.traceId);
    // One trace: the client's context travelled in the workflow's headers, and from there to each activity.
    expect(trace.find((span) => span.name === 'StartWorkflow:singleJob')!.service).toBe('traced-client');
    expect(trace.find((span) => span.name === 'RunActivity:prepareAzureJob')!.service).toBe(service);
    // Spans leave the machine: no SAS signature or account key in any of them.
    expect(receiver.bodies.filter((body) => /[?&]sig=|AccountKey=|SharedKey /.test(body))).toEqual([]);
  });
});
