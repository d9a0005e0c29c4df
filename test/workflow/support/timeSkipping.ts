import { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { bundleWorkflowCode, DefaultLogger, type LogLevel, Runtime, Worker, type WorkflowBundle } from '@temporalio/worker';
import type { Activities } from '../../../src/activities';
import { sanitizedActivityErrors } from '../../../src/activities/failures';
import { searchAttributeKeys } from '../../../src/model/searchAttributes';
import { ensureTemporalTestServer } from '../../../src/stack/temporalTestServer';
import { defaultDeploymentName, versionedDeploymentOptions } from '../../../src/workerVersion';

export const taskQueue = 'workflow-tests';

let runtimeInstalled = false;

const levels: LogLevel[] = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** Every warning the workflows and the worker logged in this test file, for tests of what a refused message leaves behind. */
export const loggedWarnings: string[] = [];

/** Prints what reaches `level` (the warnings too only when asked) and keeps every warning for the tests. */
function recordingLogger(level: LogLevel): DefaultLogger {
  return new DefaultLogger('WARN', (entry) => {
    if (entry.level === 'WARN') loggedWarnings.push(entry.message);
    if (levels.indexOf(entry.level) >= levels.indexOf(level)) process.stderr.write(`${entry.level} ${entry.message}\n`);
  });
}

/**
 * Temporal's time-skipping test server with the search attributes the
 * workflows keep current. Its time runs as the clock does and skips ahead
 * only in `env.sleep()`: tests use a client of their own, not `env.client`, whose
 * `result()` lets the server skip to its next timer, which once a run has
 * closed can lie years ahead (a retry window would then have passed).
 */
export async function startTimeSkippingEnvironment(): Promise<TestWorkflowEnvironment> {
  // Jobs failing is what most tests here expect, on a server that lacks some capabilities: the warnings would only be noise.
  const level = (process.env.WORKFLOW_TESTS_LOG ?? 'ERROR') as LogLevel;
  runtimeInstalled ||= (Runtime.install({ logger: recordingLogger(level), telemetryOptions: { logging: { filter: { core: level, other: 'ERROR' } } } }), true);
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: ensureTemporalTestServer(() => undefined) } } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(searchAttributeKeys.map((key) => [key.name, temporal.api.enums.v1.IndexedValueType[`INDEXED_VALUE_TYPE_${key.type}`]])),
  });
  return env;
}

function clientOf(env: TestWorkflowEnvironment): Client {
  return new Client({ connection: env.connection, namespace: env.namespace ?? 'default' });
}

/** A test file's environment and client: started before its tests, torn down after them. */
export function timeSkippingEnvironmentPerFile(): { env: TestWorkflowEnvironment; client: Client } {
  const bed = {} as { env: TestWorkflowEnvironment; client: Client };
  beforeAll(async () => {
    bed.env = await startTimeSkippingEnvironment();
    bed.client = clientOf(bed.env);
  });
  afterAll(() => bed.env?.teardown());
  return bed;
}

let bundle: Promise<WorkflowBundle> | undefined;

/** The workflow code as the worker bundles it, once per test file. */
function workflowBundle(): Promise<WorkflowBundle> {
  bundle ??= bundleWorkflowCode({ workflowsPath: require.resolve('../../../src/workflows'), logger: new DefaultLogger('ERROR') });
  return bundle;
}

/**
 * Runs `test` while a worker runs the workflows with `activities`, set up as
 * the real worker is (its activity failure interceptor, Worker Versioning
 * polling; the test server routes by task queue alone, so no version needs
 * to be made current).
 */
export async function withWorker<T>(env: TestWorkflowEnvironment, activities: Activities, test: () => Promise<T>): Promise<T> {
  const worker = await Worker.create({
    connection: env.nativeConnection,
    namespace: env.namespace ?? 'default',
    taskQueue,
    workflowBundle: await workflowBundle(),
    activities,
    interceptors: { activity: [sanitizedActivityErrors] },
    // Heartbeats reach the server at once, so a held activity learns within moments that the workflow cancelled it.
    maxHeartbeatThrottleInterval: '100 milliseconds',
    workerDeploymentOptions: versionedDeploymentOptions({ deploymentName: defaultDeploymentName, buildId: 'workflow-tests' }),
  });
  return worker.runUntil(test);
}
