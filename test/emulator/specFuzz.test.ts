import { BatchServiceMappers, type BatchServiceClient } from '@azure/batch';
import { startHarness, type Harness } from './harness';
import { seededRandom } from './seededRandom';

/**
 * A fuzzer driven by the data-plane spec, through the models `@azure/batch` generated from
 * BatchService.json: random bodies with any mix of the properties the spec defines, at any
 * depth, sent by the client itself. Every answer must be a success or a 4xx, and no property
 * the spec defines may be refused as unknown.
 */

type Mapper = { serializedName?: string; required?: boolean; type: { name: string; className?: string; allowedValues?: string[]; element?: Mapper; value?: Mapper; modelProperties?: Record<string, Mapper> }; constraints?: Record<string, number> };
const MAPPERS = BatchServiceMappers as unknown as Record<string, { type: { modelProperties: Record<string, Mapper> } }>;

const { random, pick } = seededRandom(0x9e3779b9);
let ids = 0;

function stringFor(name: string): string {
  if (name === 'id') return `spec-${++ids}`;
  if (/url$/i.test(name)) return 'http://127.0.0.1:9/container';
  if (name === 'commandLine' || name === 'coordinationCommandLine') return 'true';
  if (name === 'filePath') return pick(['in/file.txt', 'data']);
  if (name === 'fileMode') return '0644';
  if (name === 'poolId') return 'idle';
  if (name === 'imageName') return 'alpine';
  return pick(['value', 'x', 'a-b_c', 'Zürich', `text ${Math.floor(random() * 100)}`]);
}

function generate(mapper: Mapper, name: string, depth: number): unknown {
  const type = mapper.type;
  switch (type.name) {
    case 'String':
      return stringFor(name);
    case 'Number': {
      const min = mapper.constraints?.InclusiveMinimum ?? 0;
      const max = mapper.constraints?.InclusiveMaximum ?? 3;
      return Math.floor(min + random() * (Math.min(max, min + 3) - min + 1));
    }
    case 'Boolean':
      return random() < 0.5;
    case 'TimeSpan':
      return pick(['PT1M', 'PT1H', 'P1D']);
    case 'DateTime':
      return new Date();
    case 'Enum':
      return pick(type.allowedValues ?? ['']);
    case 'Sequence': {
      const count = depth > 4 ? 0 : Math.floor(random() * 3);
      return Array.from({ length: count }, () => generate(type.element!, name, depth + 1));
    }
    case 'Dictionary':
    case 'Object':
      return { key: 'value' };
    case 'Composite':
      return composite(type.className!, depth + 1);
    default:
      return undefined;
  }
}

function composite(className: string, depth: number): Record<string, unknown> {
  const properties = MAPPERS[className]?.type.modelProperties ?? {};
  const result: Record<string, unknown> = {};
  for (const [property, mapper] of Object.entries(properties)) {
    if (mapper.required || (depth < 5 && random() < 0.4)) result[property] = generate(mapper, property, depth);
  }
  return result;
}

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ persistence: 'memory', pools: [{ id: 'idle', nodeCount: 0, taskSlotsPerNode: 4 }] });
});
afterAll(() => h.close());

type Operation = (client: BatchServiceClient, jobId: string) => Promise<unknown>;
const OPERATIONS: Array<[string, Operation]> = [
  ['job add', (c) => c.job.add({ ...composite('JobAddParameter', 0), poolInfo: { poolId: 'idle' } } as never)],
  ['task add', (c, jobId) => c.task.add(jobId, composite('TaskAddParameter', 0) as never)],
  ['task add collection', (c, jobId) => c.task.addCollection(jobId, [composite('TaskAddParameter', 0), composite('TaskAddParameter', 0)] as never)],
  ['pool add', (c) => c.pool.add({ ...composite('PoolAddParameter', 0), enableAutoScale: false } as never)],
  ['job patch', (c, jobId) => c.job.patch(jobId, { ...composite('JobPatchParameter', 0), poolInfo: undefined, onAllTasksComplete: undefined } as never)],
  ['job update', (c, jobId) => c.job.update(jobId, { ...composite('JobUpdateParameter', 0), poolInfo: { poolId: 'idle' }, onAllTasksComplete: undefined } as never)],
  ['pool patch', (c) => c.pool.patch('idle', composite('PoolPatchParameter', 0) as never)],
  ['task update', (c, jobId) => c.task.update(jobId, 'anchor', { constraints: composite('TaskConstraints', 1) } as never)],
];

describe('robustness: a fuzzer driven by the spec\'s models, through the official client', () => {
  test('300 random spec-shaped requests never get a 5xx and never have a spec property refused as unknown', async () => {
    await h.client.job.add({ id: 'spec-job', poolInfo: { poolId: 'idle' }, usesTaskDependencies: true });
    await h.client.task.add('spec-job', { id: 'anchor', commandLine: 'true' });
    const problems: string[] = [];
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < 300; i++) {
      const [name, operation] = pick(OPERATIONS);
      try {
        const result = (await operation(h.client, 'spec-job')) as { value?: Array<{ status?: string; error?: { code?: string; values?: Array<{ value?: string }> } }> };
        for (const item of result?.value ?? []) {
          if (item.error?.values?.some((v) => /does not exist on type/.test(v.value ?? ''))) problems.push(`${name}: ${JSON.stringify(item.error)}`);
        }
        outcomes.success = (outcomes.success ?? 0) + 1;
      } catch (error) {
        const e = error as { statusCode?: number; code?: string; body?: { values?: Array<{ key: string; value: string }> }; message?: string };
        if (e.statusCode === undefined) {
          outcomes.refusedByClient = (outcomes.refusedByClient ?? 0) + 1;
          continue;
        }
        outcomes[e.code ?? String(e.statusCode)] = (outcomes[e.code ?? String(e.statusCode)] ?? 0) + 1;
        if (e.statusCode >= 500) problems.push(`${name}: ${e.statusCode} ${e.code} ${e.message}`);
        if (e.body?.values?.some((v) => /does not exist on type/.test(v.value))) problems.push(`${name}: ${JSON.stringify(e.body.values)}`);
      }
    }
    expect(problems).toEqual([]);
    expect(outcomes.success).toBeGreaterThan(30);
    expect((await fetch(`${h.emulator.url}/health`)).status).toBe(200);
  }, 60_000);
});
