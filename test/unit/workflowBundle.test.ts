import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkflowBundleMissingError, workflowBundleVariable, workflowSource } from '../../src/workflowBundle';

describe('where the worker gets its workflow code', () => {
  test('without the variable it bundles src/workflows at start', () => {
    const source = workflowSource({});
    expect(source).toEqual({ workflowsPath: expect.stringMatching(/src[\\/]workflows[\\/]index\.ts$/) });
  });

  test('with the variable it loads that prebuilt bundle', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bundle-')), 'workflow-bundle.js');
    fs.writeFileSync(file, '// bundle');
    expect(workflowSource({ [workflowBundleVariable]: file })).toEqual({ workflowBundle: { codePath: file } });
  });

  test('a bundle that is not there is refused with the variable, the path and how to build it', () => {
    const missing = path.join(os.tmpdir(), 'no-such-dir', 'workflow-bundle.js');
    expect(() => workflowSource({ [workflowBundleVariable]: missing })).toThrow(WorkflowBundleMissingError);
    expect(() => workflowSource({ [workflowBundleVariable]: missing })).toThrow(
      `${workflowBundleVariable} names ${missing}, which does not exist. Build it with 'tsx src/workflowBundle.ts ${missing}'`,
    );
  });
});
