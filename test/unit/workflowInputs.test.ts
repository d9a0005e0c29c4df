import fs from 'node:fs';
import path from 'node:path';
import { jobContainerName } from '../../src/model/conventions';
import { InvalidSettingError } from '../../src/model/errors';
import {
  arrayJobInputSchema,
  maxArgsBytes,
  parseWorkflowInput,
  singleJobInputSchema,
  workflowInputSchemaFiles,
} from '../../src/model/workflowInputs';

const environment = { poolId: 'local', connection: 'local' };
const commandInput = { environment, body: { kind: 'command', commandLine: 'true' } };
const scriptInput = (args: unknown[]) => ({ environment, body: { kind: 'script', bundleBlob: 'inputs/remote-batch-job.js', args } });

function refusal(schema: typeof singleJobInputSchema | typeof arrayJobInputSchema, input: unknown): InvalidSettingError {
  try {
    parseWorkflowInput(schema, input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidSettingError);
    return error as InvalidSettingError;
  }
  throw new Error('expected the input to be refused');
}

describe('the workflow input schemas', () => {
  it('are what schema/*.input.json hold (npm run schemas regenerates them)', () => {
    const files = workflowInputSchemaFiles();
    expect(Object.keys(files).sort()).toEqual(['arrayJob.input.json', 'singleJob.input.json']);
    for (const [name, text] of Object.entries(files)) {
      expect(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', name), 'utf8')).toBe(text);
    }
  });

  it('accept a minimal command job and fill in the defaults', () => {
    const parsed = parseWorkflowInput(singleJobInputSchema, commandInput);
    expect(parsed.settings).toEqual({ containerImage: 'node:20-slim', jobPriority: 0, vcpuCount: 1, environmentVariables: {} });
    expect(parsed.inputs).toEqual([]);
  });

  it('refuse arguments JSON would change or lose, naming the argument', () => {
    const cases: [unknown[], RegExp][] = [
      [[() => 1], /args\[0\] is a function/],
      [[1, undefined], /args\[1\] is undefined/],
      [[BigInt(12)], /args\[0\] is a bigint/],
      [[{ deep: [Symbol('s')] }], /args\[0\]\.deep\[0\] is a symbol/],
      [[Number.NaN], /args\[0\] is NaN, which JSON would turn into null/],
      [[{ limit: -Infinity }], /args\[0\]\.limit is -Infinity/],
    ];
    for (const [args, message] of cases) {
      const error = refusal(singleJobInputSchema, scriptInput(args));
      expect(error.setting).toBe('body.args');
      expect(error.message).toMatch(message);
    }
  });

  it('refuse a command line with a quote never closed, which Batch could not launch, saying where it opens', () => {
    const error = refusal(singleJobInputSchema, { environment, body: { kind: 'command', commandLine: '/bin/sh -c "echo hi' } });
    expect(error.message).toBe(
      'body.commandLine: the command line has a double quote (") at character 12 that is never closed; got "/bin/sh -c \\"echo hi". Close it, or escape it with a backslash (\\") to pass the quote itself.',
    );
    expect(parseWorkflowInput(singleJobInputSchema, { environment, body: { kind: 'command', commandLine: `/bin/sh -c 'echo "it works"' x\\"y "a\\"b"` } })).toBeDefined();
  });

  it('refuse arguments larger than a workflow input may carry, naming the limit', () => {
    const error = refusal(singleJobInputSchema, scriptInput(['x'.repeat(maxArgsBytes)]));
    expect(error.setting).toBe('body.args');
    expect(error.message).toContain('at most 256 KiB');
    expect(error.message).toContain('input file');
  });

  it('name the setting and its range', () => {
    const error = refusal(singleJobInputSchema, { ...commandInput, settings: { jobPriority: 2 } });
    expect(error.setting).toBe('settings.jobPriority');
    expect(error.message).toBe('JobPriority must be a number from -1 (lowest) to 1 (highest); got 2.');
    expect(refusal(singleJobInputSchema, { ...commandInput, settings: { vcpus: 2 } }).message).toContain("Unknown setting 'vcpus'");
    expect(refusal(singleJobInputSchema, { ...commandInput, settings: null }).setting).toBe('settings');
  });

  it('take MaxParallel for arrays only', () => {
    expect(parseWorkflowInput(arrayJobInputSchema, { ...commandInput, elementCount: 4, settings: { maxParallel: 2 } }).settings.maxParallel).toBe(2);
    const error = refusal(singleJobInputSchema, { ...commandInput, settings: { maxParallel: 2 } });
    expect(error.setting).toBe('settings.maxParallel');
    expect(error.message).toMatch(/^MaxParallel applies to array jobs/);
    expect(refusal(arrayJobInputSchema, { ...commandInput, elementCount: 4, settings: { maxParallel: 0 } }).message).toMatch(/^MaxParallel must be a whole number from 1/);
  });

  it('refuse an array whose spans make more children than an array may have', () => {
    const error = refusal(arrayJobInputSchema, { ...commandInput, elementCount: 1_000_000, spanSize: 2 });
    expect(error.setting).toBe('spanSize');
    expect(error.message).toContain('at most 100,000');
    expect(error.message).toContain('Use spanSize 10 or more');
    expect(refusal(arrayJobInputSchema, { ...commandInput, elementCount: 0 }).setting).toBe('elementCount');
  });
});

describe('job ids and their containers (the any-language contract)', () => {
  it('maps every id the schema accepts to the container job-<id>, a valid container name', () => {
    const ids = ['rb-0f8fad5b-d9cb-469f-a165-70867728950e', 'my-job-1', 'a', 'x'.repeat(59), 'py-upper-1'];
    for (const jobId of ids) {
      expect(parseWorkflowInput(singleJobInputSchema, { ...commandInput, jobId }).jobId).toBe(jobId);
      const container = jobContainerName(jobId);
      expect(container).toBe(`job-${jobId}`);
      expect(container).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(container.length).toBeLessThanOrEqual(63);
    }
  });

  it('refuses ids that would not map directly, saying what is allowed', () => {
    for (const jobId of ['Py_Upper_1', 'UPPER', 'a--b', '-a', 'a-', 'x'.repeat(60), '']) {
      const error = refusal(singleJobInputSchema, { ...commandInput, jobId });
      expect(error.setting).toBe('jobId');
      expect(error.message).toContain('lowercase letters, digits and hyphens');
    }
  });
});
