import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode, DefaultLogger, Runtime, type WorkflowBundle, Worker } from '@temporalio/worker';
import { historyFromJson } from './historyJson';

/**
 * Every recorded history (test/workflow/histories, see CONTRIBUTING.md) must
 * replay against the workflow code as it is now: a change that would make a
 * running workflow take another path fails here, before any worker runs it.
 */
const historiesDir = path.join(__dirname, 'histories');
const files = fs.readdirSync(historiesDir).filter((name) => name.endsWith('.json')).sort();

describe('recorded workflow histories replay against the current workflow code', () => {
  let workflowBundle: WorkflowBundle;

  beforeAll(async () => {
    Runtime.install({ logger: new DefaultLogger('WARN') });
    workflowBundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../../src/workflows') });
  }, 120_000);

  it('has histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(8);
  });

  it.each(files)('%s', async (file) => {
    const history = historyFromJson(JSON.parse(fs.readFileSync(path.join(historiesDir, file), 'utf8')));
    // The run's own workflow id where the history records it: a job without a jobId is named by it.
    const workflowId = history.events?.[0]?.workflowExecutionStartedEventAttributes?.workflowId || file.replace(/\.json$/, '');
    // Throws DeterminismViolationError (or the workflow task's failure) when the code takes another path.
    await Worker.runReplayHistory({ workflowBundle, replayName: file }, history, workflowId);
  });
});
