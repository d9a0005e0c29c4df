import { InvalidSettingError } from '../../src/model/errors';
import { batchPriority, defaultContainerImage, maxParallelProblem, providerSettings, stateSettings, validateSettings } from '../../src/model/settings';

function errorOf(settings: Record<string, unknown>): InvalidSettingError {
  try {
    validateSettings(settings);
  } catch (error) {
    return error as InvalidSettingError;
  }
  throw new Error('expected validateSettings to refuse the settings');
}

describe('provider settings', () => {
  it('defaults to the documented image, priority 0 and one vCPU', () => {
    expect(validateSettings({})).toEqual({ containerImage: defaultContainerImage, jobPriority: 0, vcpuCount: 1, environmentVariables: {} });
  });

  it("accepts the seed's spelling and camelCase alike", () => {
    expect(validateSettings({ VCPUCount: 4, JobPriority: -1, ContainerImage: 'ubuntu:22.04' })).toMatchObject({
      vcpuCount: 4,
      jobPriority: -1,
      containerImage: 'ubuntu:22.04',
    });
    expect(validateSettings({ vcpuCount: 2, jobPriority: 0.5 })).toMatchObject({ vcpuCount: 2, jobPriority: 0.5 });
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
    expect(validateSettings({ maxRetries: 0 }).maxRetries).toBeUndefined();
  });

  it.each([-1, 1.5, '2', 101])('refuses MaxRetries %p, naming the setting and the range', (value) => {
    expect(() => validateSettings({ MaxRetries: value })).toThrow(/MaxRetries must be a whole number from 0 to 100/);
  });
});

describe('MaxParallel', () => {
  it('is absent (no limit) by default, kept when given, and shown in ProviderSettings', () => {
    expect(validateSettings({}).maxParallel).toBeUndefined();
    expect(validateSettings({ MaxParallel: 3 }).maxParallel).toBe(3);
    expect(providerSettings(stateSettings(validateSettings({ MaxParallel: 3 }))).MaxParallel).toBe(3);
  });

  it.each([0, -1, 2.5, '3', 100_001])('refuses MaxParallel %p, naming the setting and the range', (value) => {
    expect(() => validateSettings({ MaxParallel: value })).toThrow(/^MaxParallel must be a whole number from 1 to 100,000 \(the most children of an array running at once\); got /);
  });

  it('on a running array: a whole number from 1, or null for no limit', () => {
    expect([3, 100_000, null].map(maxParallelProblem)).toEqual([undefined, undefined, undefined]);
    for (const value of [0, -1, 1.5, '8', undefined]) expect(maxParallelProblem(value)).toMatch(/^MaxParallel must be a whole number from 1 to 100,000 .*or null for no limit; got /);
  });
});
