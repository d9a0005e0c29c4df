import { signedFetch, startHarness, type Harness } from './harness';
import { seededRandom } from './seededRandom';

/**
 * A bounded, seeded fuzzer over the request bodies and parameters the Batch spec defines:
 * valid requests mutated (properties dropped, retyped, nulled, bloated, invented; ids,
 * filters, paging and paths garbled). Every answer must be a 2xx/3xx/4xx with Batch's
 * error body, never a 5xx, and the service must still answer afterwards.
 */

const { random, pick } = seededRandom(0x2545f491);

const WEIRD_VALUES: unknown[] = [null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31) - 1, '', ' ', 'x'.repeat(5000), '日本語', '\u0000', '../../etc', [], [1, 'a'], {}, { nested: { deeper: [{}] } }, 'PT-1S', 'P', 'not-a-url', '%%'];
const WEIRD_IDS = ['', ' ', 'a'.repeat(65), 'a b', 'ä', '..', '%2e%2e', 'id%00', 'x/y', '-', '_', 'A'.repeat(64), '🙂'];
const WEIRD_FILTERS = ["state eq 'active'", 'state eq', "(state eq 'active'", "id eq 'a'')", 'startswith(', 'startswith(id)', "creationTime gt datetime'garbage'", 'not', 'and or', "priority eq 'high'", "executionInfo/exitCode ge 'x'", "colour eq 'x'", '))))', "id eq 'a' and (state eq 'b' or not startswith(id, 'c'))"];

function mutate(value: unknown, depth = 0): unknown {
  if (depth > 6 || value === null || typeof value !== 'object') return random() < 0.3 ? pick(WEIRD_VALUES) : value;
  if (Array.isArray(value)) {
    const copy = value.map((item) => (random() < 0.3 ? mutate(item, depth + 1) : item));
    if (random() < 0.2) copy.push(pick(WEIRD_VALUES));
    return random() < 0.1 ? pick(WEIRD_VALUES) : copy;
  }
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  for (const key of Object.keys(copy)) {
    const roll = random();
    if (roll < 0.15) delete copy[key];
    else if (roll < 0.35) copy[key] = pick(WEIRD_VALUES);
    else if (roll < 0.6) copy[key] = mutate(copy[key], depth + 1);
  }
  if (random() < 0.2) copy[`unknown${Math.floor(random() * 100)}`] = pick(WEIRD_VALUES);
  return copy;
}

const VALID_TASK = {
  id: 'task',
  commandLine: 'true',
  resourceFiles: [{ httpUrl: 'http://127.0.0.1:1/x', filePath: 'x', fileMode: '0644' }],
  outputFiles: [{ filePattern: '*.txt', destination: { container: { containerUrl: 'http://127.0.0.1:1/c', path: 'p' } }, uploadOptions: { uploadCondition: 'taskcompletion' } }],
  environmentSettings: [{ name: 'A', value: 'b' }],
  constraints: { maxWallClockTime: 'PT1M', retentionTime: 'P1D', maxTaskRetryCount: 1 },
  requiredSlots: 1,
  containerSettings: { imageName: 'alpine', containerRunOptions: '--rm' },
  exitConditions: { exitCodes: [{ code: 1, exitOptions: { jobAction: 'none' } }], default: { dependencyAction: 'satisfy' } },
  userIdentity: { autoUser: { scope: 'task', elevationLevel: 'admin' } },
  dependsOn: { taskIds: ['a'], taskIdRanges: [{ start: 1, end: 3 }] },
};
const VALID_JOB = {
  id: 'job',
  poolInfo: { poolId: 'idle' },
  priority: 1,
  maxParallelTasks: 2,
  constraints: { maxWallClockTime: 'PT1H', maxTaskRetryCount: 1 },
  onAllTasksComplete: 'noaction',
  onTaskFailure: 'noaction',
  metadata: [{ name: 'a', value: 'b' }],
  commonEnvironmentSettings: [{ name: 'A', value: 'b' }],
  usesTaskDependencies: true,
};
const VALID_POOL = { id: 'pool', vmSize: 'small', targetDedicatedNodes: 0, taskSlotsPerNode: 2, taskSchedulingPolicy: { nodeFillType: 'pack' }, metadata: [{ name: 'a', value: 'b' }] };

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'idle', nodeCount: 0, taskSlotsPerNode: 1 }] });
  await h.client.job.add({ id: 'fuzzjob', poolInfo: { poolId: 'idle' }, usesTaskDependencies: true });
  await h.client.task.add('fuzzjob', { id: 'fuzztask', commandLine: 'true' });
});
afterAll(() => h.close());

type Case = { method: string; path: string; body?: unknown };

function cases(count: number): Case[] {
  const result: Case[] = [];
  const ids = (): string => (random() < 0.5 ? pick(WEIRD_IDS) : `id${Math.floor(random() * 5)}`);
  const generators: Array<() => Case> = [
    () => ({ method: 'POST', path: '/jobs', body: mutate({ ...VALID_JOB, id: ids() }) }),
    () => ({ method: 'POST', path: '/jobs/fuzzjob/tasks', body: mutate({ ...VALID_TASK, id: ids() }) }),
    () => ({ method: 'POST', path: '/jobs/fuzzjob/addtaskcollection', body: { value: [mutate(VALID_TASK), mutate({ ...VALID_TASK, id: ids() })] } }),
    () => ({ method: 'POST', path: '/jobs/fuzzjob/addtaskcollection', body: mutate({ value: [VALID_TASK] }) }),
    () => ({ method: 'POST', path: '/pools', body: mutate({ ...VALID_POOL, id: ids() }) }),
    () => ({ method: 'PATCH', path: '/jobs/fuzzjob', body: mutate({ priority: 3, constraints: { maxTaskRetryCount: 2 }, metadata: [] }) }),
    () => ({ method: 'PUT', path: '/jobs/fuzzjob', body: mutate({ poolInfo: { poolId: 'idle' }, priority: 2 }) }),
    () => ({ method: 'PUT', path: '/jobs/fuzzjob/tasks/fuzztask', body: mutate({ constraints: { maxTaskRetryCount: 2 } }) }),
    () => ({ method: 'POST', path: '/jobs/fuzzjob/terminate', body: mutate({ terminateReason: 'r' }) }),
    () => ({ method: 'POST', path: '/jobs/fuzzjob/disable', body: mutate({ disableTasks: 'wait' }) }),
    () => ({ method: 'POST', path: '/pools/idle/resize', body: mutate({ targetDedicatedNodes: 0 }) }),
    () => ({ method: 'PATCH', path: '/pools/idle', body: mutate({ metadata: [{ name: 'x', value: 'y' }] }) }),
    () => ({ method: 'GET', path: `/jobs?$filter=${encodeURIComponent(pick(WEIRD_FILTERS))}&maxresults=${pick(['0', '1', '1001', '-5', 'abc', '10'])}` }),
    () => ({ method: 'GET', path: `/jobs/fuzzjob/tasks?$filter=${encodeURIComponent(pick(WEIRD_FILTERS))}&$select=${encodeURIComponent(pick(['id', 'id,state', '', ',,', 'a b', 'executionInfo/exitCode']))}` }),
    () => ({ method: 'GET', path: `/jobs?$skiptoken=${encodeURIComponent(pick(['', 'x', Buffer.from('pos:-1').toString('base64url'), Buffer.from('pos:99999999999999999999').toString('base64url')]))}` }),
    () => ({ method: pick(['GET', 'DELETE', 'HEAD']), path: `/jobs/${encodeURIComponent(ids())}/tasks/${encodeURIComponent(ids())}/files/${pick(['stdout.txt', '..%2F..%2Fx', '%2e%2e/%2e%2e', 'wd/', '%'])}` }),
    () => ({ method: pick(['GET', 'PUT', 'PATCH', 'DELETE', 'POST', 'HEAD']), path: `/${pick(['jobs', 'pools', 'x', 'nodecounts', ''])}/${encodeURIComponent(ids())}/${pick(['tasks', 'nodes', 'files', 'taskcounts', 'terminate', ''])}` }),
    () => ({ method: 'POST', path: '/jobs', body: pick(['{', '[]', '"', 'null', '{"id":', '\u0000', '{"id": "a", "poolInfo": {"poolId": "idle"}, "id": 5}']) }),
  ];
  for (let i = 0; i < count; i++) result.push(pick(generators)());
  return result;
}

describe('robustness: a seeded fuzzer over the spec\'s requests', () => {
  test('400 mutated and garbled requests never get a 5xx, always get Batch\'s error body on 4xx, and the service keeps answering', async () => {
    const failures: string[] = [];
    for (const { method, path, body } of cases(400)) {
      const separator = path.includes('?') ? '&' : '?';
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      const response = await signedFetch(`${h.emulator.url}${path}${separator}api-version=2022-10-01.16.0`, method, { body: method === 'GET' || method === 'HEAD' ? undefined : text });
      if (response.status >= 500) failures.push(`${response.status} ${method} ${path} ${text?.slice(0, 200)} → ${response.text.slice(0, 300)}`);
      else if (response.status >= 400 && method !== 'HEAD') {
        const error = JSON.parse(response.text) as { code?: string; message?: { value?: string } };
        if (!error.code || !error.message?.value) failures.push(`no Batch error body: ${method} ${path} → ${response.text.slice(0, 200)}`);
      }
    }
    expect(failures).toEqual([]);
    expect((await fetch(`${h.emulator.url}/health`)).status).toBe(200);
    expect((await h.client.job.get('fuzzjob')).id).toBe('fuzzjob');
  }, 60_000);
});
