import * as workflows from '../../src/workflows';
import { workerBuildId } from '../../src/workerBuildId';
import { buildIdVariable, deploymentNameVariable, makeCurrentVariable, workerVersionFromEnvironment } from '../../src/workerVersion';

describe('the Worker Deployment version a worker runs', () => {
  test('by default: deployment remote-batch, the build id of the workflow code, not made current', () => {
    expect(workerVersionFromEnvironment({})).toEqual({
      version: { deploymentName: 'remote-batch', buildId: workerBuildId() },
      makeCurrent: false,
    });
    expect(workerBuildId()).toMatch(/^remote-batch@\d+\.\d+\.\d+[^+]*\+[0-9a-f]{12}$/);
  });

  test('the variables name another deployment, another build id of the same code, and make it current', () => {
    const env = { [deploymentNameVariable]: 'batch-eu', [buildIdVariable]: 'candidate-2', [makeCurrentVariable]: 'true' };
    expect(workerVersionFromEnvironment(env)).toEqual({ version: { deploymentName: 'batch-eu', buildId: 'candidate-2' }, makeCurrent: true });
  });

  test.each([
    [{ [deploymentNameVariable]: 'remote.batch' }, `${deploymentNameVariable} must not contain '.'`],
    [{ [deploymentNameVariable]: 'remote:batch' }, `${deploymentNameVariable} must not contain ':'`],
    [{ [buildIdVariable]: '__unversioned__' }, `${buildIdVariable} must not start with '__'`],
    [{ [buildIdVariable]: 'x'.repeat(109) }, `${buildIdVariable} must be at most 108 characters; got 109.`],
    [{ [makeCurrentVariable]: 'yes' }, `${makeCurrentVariable} must be 'true' or 'false'; got 'yes'.`],
  ])('%j is refused naming the variable', (env, message) => {
    expect(() => workerVersionFromEnvironment(env)).toThrow(message);
  });
});

describe('how each workflow type meets a new worker version', () => {
  const behaviour = (fn: unknown) => (fn as { workflowDefinitionOptions?: { versioningBehavior?: string } }).workflowDefinitionOptions?.versioningBehavior;

  test('a single job stays on the version that started it; an array and the reconciler move to the current one', () => {
    expect(behaviour(workflows.singleJob)).toBe('PINNED');
    expect(behaviour(workflows.arrayJob)).toBe('AUTO_UPGRADE');
    expect(behaviour(workflows.reconcileOrphans)).toBe('AUTO_UPGRADE');
    expect(behaviour(workflows.closeOrphanedJob)).toBe('AUTO_UPGRADE');
  });

  test('every workflow type the worker registers declares one', () => {
    const undeclared = Object.entries(workflows).filter(([, fn]) => behaviour(fn) === undefined).map(([name]) => name);
    expect(undeclared).toEqual([]);
  });
});
