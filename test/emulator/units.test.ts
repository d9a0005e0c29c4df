import { splitCommandLine } from '../../src/emulator/node/commandLine';
import { blobNameFor } from '../../src/emulator/node/outputFiles';
import { formatDuration, parseDuration, UNLIMITED_DURATION } from '../../src/emulator/protocol/durations';
import { compileFilter, TASK_FILTER } from '../../src/emulator/protocol/odataFilter';
import { stringsToSign } from '../../src/emulator/auth/sharedKey';
import { taskFilterView, taskToWire } from '../../src/emulator/protocol/serialize';
import type { TaskRecord } from '../../src/emulator/model/types';

describe('building blocks (pure, no service)', () => {
  test.each([
    ['echo hello world', ['echo', 'hello', 'world']],
    [`/bin/sh -c "echo \\"a b\\" \\$HOME"`, ['/bin/sh', '-c', 'echo "a b" $HOME']],
    [`printf '%s\\n' 'it'\\''s'`, ['printf', '%s\\n', "it's"]],
    ['a\\ b  c', ['a b', 'c']],
    [`""`, ['']],
    ['  ', []],
  ])('the command line %j splits like a POSIX shell tokenizes, without expanding', (line, argv) => {
    expect(splitCommandLine(line)).toEqual(argv);
  });

  test('an unterminated quote in a command line is an error', () => {
    expect(() => splitCommandLine(`echo "oops`)).toThrow(/unterminated double quote/);
  });

  test.each([
    ['result.json', undefined, 'result.json', 'result.json'],
    ['result.json', 'out/r.json', 'result.json', 'out/r.json'],
    ['../std*.txt', '$TaskLog', 'stdout.txt', '$TaskLog/stdout.txt'],
    ['JobOutput/**', '$TaskOutput', 'a/b.txt', '$TaskOutput/a/b.txt'],
    ['**/*.txt', undefined, 'x/y.txt', 'x/y.txt'],
    ['*.log', 'logs/', 'a.log', 'logs/a.log'],
  ])('output file %s with path %s names %s as blob %s', (pattern, destination, relative, blob) => {
    expect(blobNameFor(pattern, destination, relative)).toBe(blob);
  });

  test('ISO 8601 durations parse and format, with .NET\'s TimeSpan.MaxValue as unlimited', () => {
    expect(parseDuration('PT1H30M')).toBe(5_400_000);
    expect(parseDuration('P7D')).toBe(604_800_000);
    expect(parseDuration('PT0.5S')).toBe(500);
    expect(parseDuration(UNLIMITED_DURATION)).toBe(Number.POSITIVE_INFINITY);
    expect(parseDuration('one hour')).toBeUndefined();
    expect(parseDuration('P')).toBeUndefined();
    expect(formatDuration(604_800_000)).toBe('P7D');
    expect(formatDuration(5_400_500)).toBe('PT1H30M0.5S');
  });

  test('OData filters combine comparisons, startswith, not, and/or with the usual precedence', () => {
    const tasks = [
      { id: 'a1', state: 'completed', executionInfo: { exitCode: 0 }, stateTransitionTime: '2024-01-01T00:00:00Z' },
      { id: 'a2', state: 'completed', executionInfo: { exitCode: 2 }, stateTransitionTime: '2024-01-03T00:00:00Z' },
      { id: 'b1', state: 'active', stateTransitionTime: '2024-01-02T00:00:00Z' },
    ];
    const ids = (filter: string) => tasks.filter(compileFilter(filter, TASK_FILTER)).map((t) => t.id);
    expect(ids("state eq 'Completed'")).toEqual(['a1', 'a2']);
    expect(ids("startswith(id, 'a') and executionInfo/exitCode gt 0 or state eq 'active'")).toEqual(['a2', 'b1']);
    expect(ids("not (state eq 'active')")).toEqual(['a1', 'a2']);
    expect(ids("stateTransitionTime ge datetime'2024-01-02T00:00:00Z'")).toEqual(['a2', 'b1']);
    expect(ids('executionInfo/exitCode eq null')).toEqual(['b1']);
    expect(ids("id eq 'it''s'")).toEqual([]);
  });

  test('a task filter reads the same value of every filterable property from the cheap view as from the full entity', () => {
    const base = { jobId: 'j', spec: { commandLine: 'true' }, creationTime: '2024-01-01T00:00:00.000Z', lastModified: '2024-01-01T00:00:00.000Z', eTag: '0x1', seq: 1 };
    const tasks: TaskRecord[] = [
      { ...base, id: 'waiting', state: 'active', stateTransitionTime: '2024-01-01T00:00:00.000Z' },
      {
        ...base,
        id: 'running',
        spec: { commandLine: 'sleep 9', displayName: 'nap', requiredSlots: 2 },
        state: 'running',
        previousState: 'active',
        stateTransitionTime: '2024-01-01T00:00:01.000Z',
        previousStateTransitionTime: '2024-01-01T00:00:00.000Z',
        executionInfo: { startTime: '2024-01-01T00:00:01.000Z', retryCount: 1, requeueCount: 0 },
        nodeInfo: { poolId: 'p', nodeId: 'n1' },
      },
      {
        ...base,
        id: 'failed',
        state: 'completed',
        previousState: 'running',
        stateTransitionTime: '2024-01-01T00:00:02.000Z',
        executionInfo: {
          startTime: '2024-01-01T00:00:01.000Z',
          endTime: '2024-01-01T00:00:02.000Z',
          exitCode: 3,
          result: 'failure',
          failureInfo: { category: 'usererror', code: 'FailureExitCode', message: 'exit 3' },
          retryCount: 0,
          requeueCount: 0,
        },
        nodeInfo: { poolId: 'p', nodeId: 'n2' },
      },
    ];
    const valueAt = (entity: object, path: string) => path.split('/').reduce<unknown>((value, part) => (value as Record<string, unknown> | undefined)?.[part], entity);
    for (const task of tasks) {
      const wire = taskToWire(task, undefined, 'http://batch');
      const view = taskFilterView(task);
      for (const property of Object.keys(TASK_FILTER)) expect([task.id, property, valueAt(view, property)]).toEqual([task.id, property, valueAt(wire, property)]);
    }
  });

  test('the SharedKey string to sign has the verb, standard headers, ocp- headers and the canonical resource', () => {
    const [first] = stringsToSign(
      { method: 'GET', rawUrl: '/jobs/a%20b?api-version=2022-10-01.16.0&$filter=state%20eq%20%27active%27', headers: { 'ocp-date': 'Mon, 01 Jan 2024 00:00:00 GMT', 'content-type': 'application/json' } },
      'acct',
    );
    expect(first).toBe(
      'GET\n\n\n\n\napplication/json\n\n\n\n\n\n\nocp-date:Mon, 01 Jan 2024 00:00:00 GMT\n/acct/jobs/a%20b\n$filter:state eq \'active\'\napi-version:2022-10-01.16.0',
    );
  });
});
