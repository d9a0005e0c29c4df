import { Command } from 'commander';
import { CommandContext } from '../../../src/cli/context';
import { jobBodyFromArguments, settingsFromFlags } from '../../../src/cli/commands/submit';
import { buildProgram } from '../../../src/cli/program';
import { mapBodyAndElements, readElementsFile } from '../../../src/cli/commands/arrays';
import { parseJobId } from '../../../src/client/jobId';
import { environmentAssignment, parseScriptArgument } from '../../../src/cli/parse';
import { runInMemory } from './runInMemory';

const readCommands = ['env', 'status', 'ls', 'watch', 'logs', 'result', 'outputs'];
const allCommands = ['login', 'env', 'submit', 'map', 'status', 'ls', 'watch', 'logs', 'result', 'outputs', 'abort', 'retry', 'stack'];

function programForInspection(): Command {
  return buildProgram(new CommandContext({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}, signal: new AbortController().signal }));
}

describe('remote-batch command line', () => {
  it('has every command of issue 7, each with --help that exits 0', async () => {
    const names = programForInspection().commands.map((command) => command.name());
    expect(names).toEqual(expect.arrayContaining(allCommands));
    for (const name of allCommands) {
      const run = await runInMemory([name, '--help']);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Usage: remote-batch ${name}`);
      expect(run.stdout).toContain('--pool <id>');
    }
  });

  it('offers --json on every read command', () => {
    const program = programForInspection();
    for (const name of readCommands) {
      const command = program.commands.find((candidate) => candidate.name() === name)!;
      expect(command.options.map((option) => option.long)).toContain('--json');
    }
  });

  it('prints the exit codes in the top-level help', async () => {
    const run = await runInMemory(['--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Exit codes:[\s\S]*2 +usage error[\s\S]*3 +not found/);
  });

  it('suggests the closest command for an unknown one and exits 2', async () => {
    const run = await runInMemory(['sumbit', 'job.ts']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'sumbit'");
    expect(run.stderr).toContain('Did you mean submit?');
  });

  it('suggests the closest flag for an unknown one and exits 2', async () => {
    const run = await runInMemory(['submit', 'job.ts', '--vcpu-cont', '2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown option '--vcpu-cont'");
    expect(run.stderr).toContain('Did you mean --vcpu-count?');
  });

  it('suggests a global flag too', async () => {
    const run = await runInMemory(['ls', '--pol', 'local']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('Did you mean --pool?');
  });

  it('refuses a missing pool naming PoolID, before contacting anything', async () => {
    for (const args of [['submit', 'job.ts'], ['status', 'rb-1'], ['ls'], ['watch', 'rb-1'], ['abort', 'rb-1']]) {
      const run = await runInMemory(args);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain('PoolID is required');
      expect(run.stderr).toContain('--pool');
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('takes the pool from REMOTE_BATCH_POOL, and validates it as a Batch pool id', async () => {
    const run = await runInMemory(['ls'], { env: { REMOTE_BATCH_POOL: 'no good' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("PoolID 'no good' is not a valid Batch pool id");
  });

  it('refuses a misspelt property with the closest name, before contacting anything (exit 3, not found)', async () => {
    const run = await runInMemory(['--pool', 'local', 'status', 'rb-1', 'JobStatu']);
    expect(run.code).toBe(3);
    expect(run.stderr).toContain("Did you mean 'JobStatus'?");
  });

  it('refuses bad flag values naming the setting', async () => {
    const priority = await runInMemory(['--pool', 'local', 'submit', 'job.ts', '--job-priority', 'high']);
    expect(priority.code).toBe(2);
    expect(priority.stderr).toContain('JobPriority must be a number');
    const vcpus = await runInMemory(['--pool', 'local', 'submit', 'job.ts', '--vcpu-count', '0']);
    expect(vcpus.code).toBe(2);
    expect(vcpus.stderr).toContain('VCPUCount must be a whole number of at least 1');
    const status = await runInMemory(['--pool', 'local', 'ls', '--status', 'Runing']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain('Did you mean Running?');
    const env = await runInMemory(['--pool', 'local', 'submit', 'job.ts', '--env', 'NOEQUALS']);
    expect(env.code).toBe(2);
    expect(env.stderr).toContain('expected NAME=VALUE');
  });

  it('refuses numbers in forms nobody means (hex, binary, Infinity, blank), naming the flag and what was given', async () => {
    const cases: [string[], string][] = [
      [['submit', '--command', 'true', '--job-priority', '0x1'], "JobPriority must be a number written in decimal, such as 2 or 0.5; got '0x1'."],
      [['submit', '--command', 'true', '--time-constraint', 'Infinity'], "TimeConstraint must be a number written in decimal, such as 2 or 0.5; got 'Infinity'."],
      [['submit', '--command', 'true', '--max-retries', ' '], "MaxRetries must be a number written in decimal, such as 2 or 0.5; got ' '."],
      [['submit', '--command', 'true', '--vcpu-count', '0b10'], "VCPUCount must be a whole number of at least 1; got '0b10'."],
      [['map', '--command', 'true', '1', '--span-size', '1e1'], "--span-size must be a whole number of at least 1; got '1e1'."],
      [['ls', '--limit', '0x10'], "--limit must be a whole number from 1 to 1000; got '0x10'."],
      [['throttle', 'rb-1', '0x3'], "MaxParallel must be a whole number of at least 1, or none for no limit; got '0x3'."],
    ];
    for (const [args, message] of cases) {
      const run = await runInMemory(['--pool', 'local', ...args]);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 2, stderr: expect.stringContaining(message) });
    }
  });

  it('refuses a --timeout or --retry-window that is not a positive number of seconds', async () => {
    const cases: [string[], string][] = [
      [['submit', '--command', 'true', '--wait', '--timeout', '-5'], "--timeout must be a number of seconds above 0, such as 30 or 1.5; got '-5'."],
      [['watch', 'rb-1', '--timeout', '0'], "--timeout must be a number of seconds above 0, such as 30 or 1.5; got '0'."],
      [['result', 'rb-1', '--timeout', '0x10'], "--timeout must be a number of seconds above 0, such as 30 or 1.5; got '0x10'."],
      [['outputs', 'rb-1', '--wait', '--timeout', 'NaN'], "--timeout must be a number of seconds above 0, such as 30 or 1.5; got 'NaN'."],
      [['map', '--command', 'true', '1', '--retry-window', '-1'], "--retry-window must be a number of seconds (0 or more), such as 30 or 1.5; got '-1'."],
    ];
    for (const [args, message] of cases) {
      const run = await runInMemory(['--pool', 'local', ...args]);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 2, stderr: expect.stringContaining(message) });
    }
  });

  it('names the environment variable and the rule for a bad --env name', async () => {
    const run = await runInMemory(['--pool', 'local', 'submit', '--command', 'true', '--env', '1BAD=x']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("EnvironmentVariables: the name '1BAD' is not a variable name; use letters, digits and underscores, not starting with a digit (such as MY_VAR).");
  });

  it('refuses a ContainerImage past Docker\'s length before reaching anything', async () => {
    const run = await runInMemory(['--pool', 'local', 'submit', '--command', 'true', '--container-image', 'a'.repeat(5000)]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("ContainerImage must name an image in at most 255 characters before its tag (Docker's limit); got one of 5000.");
  });

  it('refuses a setting out of its range before trying to reach Temporal (none answers here)', async () => {
    const priority = await runInMemory(['--pool', 'local', 'submit', '--command', 'true', '--job-priority', '3']);
    expect(priority.code).toBe(2);
    expect(priority.stderr).toContain('JobPriority');
    expect(priority.stderr).not.toContain('cannot reach');
    const retries = await runInMemory(['--pool', 'local', 'map', '--command', 'true', '1', '2', '--max-retries', '-1']);
    expect(retries.code).toBe(2);
    expect(retries.stderr).toContain('MaxRetries');
    expect(retries.stderr).not.toContain('cannot reach');
  });

  it('refuses a submit with neither or both of a script and --command', async () => {
    const neither = await runInMemory(['--pool', 'local', 'submit']);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('Give a script');
    const both = await runInMemory(['--pool', 'local', 'submit', 'job.ts', '--command', 'true']);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('not both');
  });

  it('refuses extra arguments', async () => {
    const run = await runInMemory(['--pool', 'local', 'watch', 'rb-1', 'rb-2']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('too many arguments');
  });

  it('refuses a map without elements or without a body, before contacting anything', async () => {
    const none = await runInMemory(['--pool', 'local', 'map', 'job.ts']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('an array job needs at least one element');
    const nobody = await runInMemory(['--pool', 'local', 'map']);
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toContain('Give a script');
    const span = await runInMemory(['--pool', 'local', 'map', 'job.ts', '1', '--span-size', '0']);
    expect(span.code).toBe(2);
    expect(span.stderr).toContain('--span-size must be a whole number of at least 1');
  });

  it('explains that a negative number goes after --', async () => {
    const run = await runInMemory(['--pool', 'local', 'map', 'job.ts', '1', '-3']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('put arguments after --, e.g. remote-batch map job.ts -- 1 -3');
  });

  it('refuses a malformed child reference', async () => {
    const run = await runInMemory(['--pool', 'local', 'status', 'rb-1/zero']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('a child is named <array job id>/<n>');
  });

  it('reports an unreachable Temporal server as exit 6 with the address, not a stack trace', async () => {
    const run = await runInMemory(['--pool', 'local', 'status', 'rb-1'], { env: { TEMPORAL_ADDRESS: '127.0.0.1:1' } });
    expect(run.code).toBe(6);
    expect(run.stderr).toContain('cannot reach the Temporal server at 127.0.0.1:1');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  }, 30_000);
});

describe('submit arguments', () => {
  it('reads script arguments as JSON where they parse, text otherwise', () => {
    expect(['12', 'true', '{"a":1}', 'hello', '"12"', '[1,2]'].map(parseScriptArgument)).toEqual([12, true, { a: 1 }, 'hello', '12', [1, 2]]);
  });

  it('builds a script body with its export, or a command body', () => {
    expect(jobBodyFromArguments('job.ts', ['2', 'x'], { export: 'run' })).toEqual({ script: 'job.ts', args: [2, 'x'], exportName: 'run' });
    expect(jobBodyFromArguments(undefined, [], { command: 'echo hi' })).toEqual({ command: 'echo hi' });
  });

  it("maps flags onto the seed's setting names", () => {
    expect(
      settingsFromFlags({ containerImage: 'node:22', jobPriority: 0.5, vcpuCount: 2, timeConstraint: 30, env: { A: '1' }, input: ['a.txt'] }),
    ).toEqual({ ContainerImage: 'node:22', JobPriority: 0.5, VCPUCount: 2, TimeConstraint: 30, EnvironmentVariables: { A: '1' } });
    expect(settingsFromFlags({})).toEqual({});
  });

  it('collects repeated --env NAME=VALUE, keeping "=" in values', () => {
    expect(environmentAssignment('B=x=y', environmentAssignment('A=1'))).toEqual({ A: '1', B: 'x=y' });
  });
});

describe('map arguments and job references', () => {
  it('maps a script over its arguments, or a command over all of them', () => {
    expect(mapBodyAndElements('job.ts', ['1', '{"a":2}', 'x'], {})).toEqual({ body: { script: 'job.ts' }, elements: [1, { a: 2 }, 'x'] });
    expect(mapBodyAndElements('1', ['2'], { command: 'cat $REMOTE_BATCH_ELEMENT_FILE' })).toEqual({ body: { command: 'cat $REMOTE_BATCH_ELEMENT_FILE' }, elements: [1, 2] });
  });

  it('reads elements from a JSON array file, or refuses it naming the problem', () => {
    expect(mapBodyAndElements('job.ts', [], { elements: 'x.json' }, () => [1, 2]).elements).toEqual([1, 2]);
    expect(() => mapBodyAndElements('job.ts', ['1'], { elements: 'x.json' }, () => [1])).toThrow('not both');
    expect(readElementsFile('-', () => '[1, "two"]')).toEqual([1, 'two']);
    expect(() => readElementsFile('-', () => '{"a": 1}')).toThrow('must hold a JSON array');
    expect(() => readElementsFile('-', () => 'nope')).toThrow('is not JSON');
    expect(() => readElementsFile('/no/such/file.json')).toThrow('cannot read /no/such/file.json (ENOENT)');
  });

  it('names children as <array id>/<n>', () => {
    expect(parseJobId('rb-1')).toEqual({ jobId: 'rb-1' });
    expect(parseJobId('rb-1/12')).toEqual({ jobId: 'rb-1', child: 12 });
    expect(() => parseJobId('rb-1/0')).toThrow('a whole number from 1');
    expect(() => parseJobId('rb-1/x')).toThrow('a whole number from 1');
    expect(() => parseJobId(' rb-1')).toThrow('has spaces around it');
  });
});

describe('ages for clean --older-than', () => {
  it('reads 7d, 12h, 30m, 45s, 2w and sums like 1d12h; refuses anything else naming the flag', () => {
    const { parseAge } = require('../../../src/cli/commands/cleanup') as typeof import('../../../src/cli/commands/cleanup');
    expect(['7d', '12h', '30m', '45s', '2w', '1d12h', '0s'].map(parseAge)).toEqual([604_800_000, 43_200_000, 1_800_000, 45_000, 1_209_600_000, 129_600_000, 0]);
    for (const bad of ['', '7', 'd', '7 d', '7y', '-1d']) expect(() => parseAge(bad)).toThrow('--older-than');
    expect(parseAge('36500d')).toBe(36_500 * 86_400_000);
    expect(() => parseAge('99999999d')).toThrow("--older-than must be an age from 0 to 36,500 days (a hundred years); got '99999999d'.");
  });
});
