import path from 'node:path';
import { batchEnvironment, submit } from '../client';
import { repoRoot } from './config';
import { startLocalStack } from './localStack';
import { reportStackError } from './reportError';

/** `npm run demo`: the whole lifecycle of one job on the embedded local stack, then everything stops. */
async function demo(): Promise<number> {
  const began = Date.now();
  const elapsed = () => `${((Date.now() - began) / 1000).toFixed(1)}s`;
  const stack = await startLocalStack({ log: (line) => console.log(`[${elapsed()}] ${line}`) });
  const env = batchEnvironment({ poolId: 'local', connection: 'local', temporal: { address: stack.temporalAddress } });
  try {
    console.log(`[${elapsed()}] stack up; Temporal UI at ${stack.temporalUiUrl}`);
    const job = await submit(env, { script: path.join(repoRoot, 'examples', 'jobs', 'square.ts'), args: [12] }, { settings: { VCPUCount: 2 } });
    console.log(`[${elapsed()}] submitted job ${job.jobId}`);
    console.log(`  watch it: ${stack.workflowUrl(job.jobId)}`);
    let last = '';
    for (;;) {
      const status = await job.get('JobStatus');
      if (status !== last) {
        console.log(`[${elapsed()}] JobStatus: ${status}`);
        last = status;
      }
      if (status === 'Succeeded' || status === 'Failed') break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    console.log(`  JobExitCode:      ${await job.get('JobExitCode')}`);
    console.log(`  JobStatusReason:  ${await job.get('JobStatusReason')}`);
    console.log(`  EvaluationResult: ${JSON.stringify(await job.get('EvaluationResult'))}`);
    console.log(`  JobLog:           ${String(await job.get('JobLog')).trim()}`);
    console.log(`  Temporal UI:      ${stack.workflowUrl(job.jobId)}`);
    return last === 'Succeeded' ? 0 : 1;
  } finally {
    await env.close();
    console.log(`[${elapsed()}] stopping the local stack ...`);
    await stack.stop();
    console.log(`[${elapsed()}] done.`);
  }
}

demo().then(
  (code) => process.exit(code),
  (error) => process.exit(reportStackError(error)),
);
