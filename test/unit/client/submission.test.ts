import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { bundleScript } from '../../../src/client/bundleScript';
import { planSubmission } from '../../../src/client/submission';
import { InvalidSettingError } from '../../../src/model/errors';

describe('a submission refuses, before anything is created, naming what is wrong', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rb-submission-'));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a command line with an unclosed quote', () => {
    expect(() => planSubmission({ command: "echo 'hi" }, {})).toThrow(
      new InvalidSettingError('command', `command: the command line has a single quote (') at character 6 that is never closed; got "echo 'hi". Close it, or escape it with a backslash (\\') to pass the quote itself.`),
    );
  });

  it('a folder given as the script or as an input file, saying it is a folder', async () => {
    await expect(bundleScript(dir)).rejects.toThrow(`The script '${dir}' is a folder; give the JS/TS module to run, such as ${path.join(dir, 'index.ts')}.`);
    expect(() => planSubmission({ command: 'true' }, { inputFiles: [dir] })).toThrow(`The input file '${dir}' is a folder`);
  });

  it('args or elements holding NaN, which JSON would send as null', () => {
    const { singleJobInputSchema, parseWorkflowInput } = require('../../../src/model/workflowInputs') as typeof import('../../../src/model/workflowInputs');
    const plan = planSubmission({ script: 'job.ts', args: [Number.NaN] }, {});
    expect(() => parseWorkflowInput(singleJobInputSchema, { environment: { poolId: 'local', connection: 'local' }, body: plan.body })).toThrow('args[0] is NaN, which JSON would turn into null');
  });
});
