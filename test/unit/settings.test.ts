import { InvalidSettingError } from '../../src/model/errors';
import { batchPriority, defaultContainerImage, maxParallelProblem, type ProviderSettings, providerSettings, stateSettings, validateSettings } from '../../src/model/settings';

function errorOf(settings: Record<string, unknown>): InvalidSettingError {
  try {
    validateSettings(settings as ProviderSettings);
  } catch (error) {
    return error as InvalidSettingError;
  }
  throw new Error('expected validateSettings to refuse the settings');
}

describe('provider settings', () => {
  it('defaults to the documented image, priority 0 and one vCPU', () => {
    expect(validateSettings({})).toEqual({ containerImage: defaultContainerImage, jobPriority: 0, vcpuCount: 1, environmentVariables: {} });
  });

  it("takes the seed's names, and refuses another spelling naming the seed's", () => {
    expect(validateSettings({ VCPUCount: 4, JobPriority: -1, ContainerImage: 'ubuntu:22.04' })).toMatchObject({
      vcpuCount: 4,
      jobPriority: -1,
      containerImage: 'ubuntu:22.04',
    });
    const error = errorOf({ vcpuCount: 2 });
    expect(error.setting).toBe('vcpuCount');
    expect(error.message).toContain("Did you mean 'VCPUCount'?");
  });

  it.each([2, -1.5, 'high', Number.NaN])('refuses JobPriority %p, naming the setting and the range', (value) => {
    const error = errorOf({ JobPriority: value });
    expect(error.setting).toBe('JobPriority');
    expect(error.message).toMatch(/JobPriority must be a number from -1 .* to 1/);
  });

  it.each([0, 1.5, -1, '2'])('refuses VCPUCount %p', (value) => {
    const error = errorOf({ VCPUCount: value });
    expect(error.setting).toBe('VCPUCount');
    expect(error.message).toContain('whole number of at least 1');
  });

  it.each(['', 'Not An Image', 'node:', ':latest', 42])('refuses ContainerImage %p', (value) => {
    expect(errorOf({ ContainerImage: value }).setting).toBe('ContainerImage');
  });

  it("refuses a ContainerImage longer than Docker's limit, saying how long it is", () => {
    const error = errorOf({ ContainerImage: 'a'.repeat(5000) });
    expect(error.message).toBe("ContainerImage must name an image in at most 255 characters before its tag (Docker's limit); got one of 5000.");
    expect(validateSettings({ ContainerImage: `${'a'.repeat(255)}:${'t'.repeat(128)}` }).containerImage).toHaveLength(384);
  });

  it('names the environment variable and the rule it breaks', () => {
    expect(errorOf({ EnvironmentVariables: { '1BAD': 'x' } }).message).toBe(
      "EnvironmentVariables: the name '1BAD' is not a variable name; use letters, digits and underscores, not starting with a digit (such as MY_VAR).",
    );
    expect(errorOf({ EnvironmentVariables: { COUNT: 3 as unknown as string } }).message).toBe('EnvironmentVariables: every value must be a string (quote numbers: "1"); got 3.');
    expect(errorOf({ EnvironmentVariables: 'A=1' as unknown as Record<string, string> }).message).toMatch(/^EnvironmentVariables must be an object of NAME → string value.*; got 'A=1'\.$/);
  });

  it('quotes NaN and Infinity back as they were given, not as null', () => {
    expect(errorOf({ JobPriority: Number.NaN }).message).toMatch(/; got NaN\.$/);
    expect(errorOf({ TimeConstraint: -Infinity }).message).toMatch(/; got -Infinity\.$/);
  });

  it.each(['node:20-slim', 'myregistry.azurecr.io/team/app:1.2', 'localhost:5000/x/y', 'python'])('accepts ContainerImage %p', (image) => {
    expect(validateSettings({ ContainerImage: image }).containerImage).toBe(image);
  });

  it('suggests the closest name for an unknown setting', () => {
    const error = errorOf({ VCPUCont: 2 });
    expect(error.message).toContain("Did you mean 'VCPUCount'?");
  });

  it('refuses a TimeConstraint that is not a positive number of seconds', () => {
    expect(errorOf({ TimeConstraint: 0 }).setting).toBe('TimeConstraint');
    expect(validateSettings({ TimeConstraint: 30 }).timeConstraint).toBe(30);
  });

  it('maps JobPriority [-1, 1] linearly onto Batch priority [-1000, 1000]', () => {
    expect([-1, -0.5, 0, 0.25, 1].map(batchPriority)).toEqual([-1000, -500, 0, 250, 1000]);
  });
});

describe('MaxRetries', () => {
  it('is absent (0) by default and kept when given', () => {
    expect(validateSettings({}).maxRetries).toBeUndefined();
    expect(validateSettings({ MaxRetries: 2 }).maxRetries).toBe(2);
    expect(validateSettings({ MaxRetries: 0 }).maxRetries).toBeUndefined();
  });

  it.each([-1, 1.5, '2', 101])('refuses MaxRetries %p, naming the setting and the range', (value) => {
    expect(() => validateSettings({ MaxRetries: value as number })).toThrow(/MaxRetries must be a whole number from 0 to 100/);
  });
});

describe('MaxParallel', () => {
  it('is absent (no limit) by default, kept when given, and shown in ProviderSettings', () => {
    expect(validateSettings({}).maxParallel).toBeUndefined();
    expect(validateSettings({ MaxParallel: 3 }).maxParallel).toBe(3);
    expect(providerSettings(stateSettings(validateSettings({ MaxParallel: 3 }))).MaxParallel).toBe(3);
  });

  it.each([0, -1, 2.5, '3', 100_001])('refuses MaxParallel %p, naming the setting and the range', (value) => {
    expect(() => validateSettings({ MaxParallel: value as number })).toThrow(/^MaxParallel must be a whole number from 1 to 100,000 \(the most children of an array running at once\); got /);
  });

  it('on a running array: a whole number from 1, or null for no limit', () => {
    expect([3, 100_000, null].map(maxParallelProblem)).toEqual([undefined, undefined, undefined]);
    for (const value of [0, -1, 1.5, '8', undefined]) expect(maxParallelProblem(value)).toMatch(/^MaxParallel must be a whole number from 1 to 100,000 .*or null for no limit; got /);
  });
});

describe('RetryOn', () => {
  it("takes the seed's spelling, fills in MaxAttempts 3 and BackoffSeconds 0, and shows in ProviderSettings as given", () => {
    const seed = validateSettings({ RetryOn: { ExitCodes: [137, { Start: 140, End: 143 }], BackoffSeconds: 30 } }).retryOn;
    expect(seed).toEqual({ exitCodes: [137, { start: 140, end: 143 }], maxAttempts: 3, backoffSeconds: 30 });
    expect(validateSettings({ RetryOn: { ExitCodes: [137], MaxAttempts: 2 } }).retryOn).toEqual({ exitCodes: [137], maxAttempts: 2, backoffSeconds: 0 });
    expect(providerSettings(stateSettings(validateSettings({ RetryOn: { ExitCodes: [137, { Start: 140, End: 143 }] } }))).RetryOn).toEqual({
      ExitCodes: [137, { Start: 140, End: 143 }],
      MaxAttempts: 3,
      BackoffSeconds: 0,
    });
  });

  it.each([
    [{ ExitCodes: [0] }, /^RetryOn\.ExitCodes: 0 is not an exit code; exit codes are whole numbers from 1 to 255/],
    [{ ExitCodes: [256] }, /^RetryOn\.ExitCodes: 256 is not an exit code/],
    [{ ExitCodes: [{ Start: 143, End: 137 }] }, /^RetryOn\.ExitCodes: the range .* ends before it starts/],
    [{ ExitCodes: [{ Start: 1, End: 300 }] }, /^RetryOn\.ExitCodes: 300 is not an exit code/],
    [{ ExitCodes: [] }, /^RetryOn\.ExitCodes must name at least one exit code/],
    [{ ExitCodes: [137], MaxAttempts: 1 }, /^RetryOn\.MaxAttempts must be a whole number from 2 to 100/],
    [{ ExitCodes: [137], BackoffSeconds: -1 }, /^RetryOn\.BackoffSeconds must be a number of seconds from 0 to 3600/],
    [{ ExitCodes: [137], Codes: [1] }, /^RetryOn has no 'Codes'; it takes ExitCodes, MaxAttempts and BackoffSeconds/],
    [137, /^RetryOn must be \{ ExitCodes, MaxAttempts\?, BackoffSeconds\? \}; got 137/],
  ])('refuses %j, naming RetryOn and what is allowed', (value, message) => {
    const error = errorOf({ RetryOn: value });
    expect(error.setting).toBe('RetryOn');
    expect(error.message).toMatch(message);
  });
});
