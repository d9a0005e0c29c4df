/**
 * Records workflow histories for the replay test: starts a real local stack on
 * free ports, runs each named scenario (all of them by default) with the
 * workflow code as it is now, and saves every run of its workflow as
 * test/workflow/histories/<scenario>[.<tag>][.run<n>].json.
 *
 *   npx tsx test/workflow/recordHistories.ts [--tag v2] [scenario ...]
 *
 * An existing file is never overwritten: it is what older workers recorded.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import { historyToJson } from './historyJson';
import { batchEnvironment } from '../../src/client';
import { defaultDataDir } from '../../src/stack/config';
import { startLocalStack } from '../../src/stack/localStack';
import { findFreePort } from '../../src/stack/ports';
import { scenarios } from './scenarios';

export const historiesDir = path.join(__dirname, 'histories');

function parseArguments(argv: string[]): { tag?: string; names: string[] } {
  const names: string[] = [];
  let tag: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tag') tag = argv[++i];
    else names.push(argv[i]);
  }
  if (tag !== undefined && !/^[a-z0-9-]+$/.test(tag)) throw new Error(`--tag: use lower-case letters, digits and hyphens; got '${tag}'.`);
  const unknown = names.filter((name) => !(name in scenarios));
  if (unknown.length) throw new Error(`Unknown scenario(s) ${unknown.join(', ')}; known: ${Object.keys(scenarios).join(', ')}.`);
  return { tag, names: names.length ? names : Object.keys(scenarios) };
}

/** Every run of a workflow id, in order: the first, then each continue-as-new and each new run a retry started. */
async function runIds(client: Client, workflowId: string): Promise<string[]> {
  const runs: { runId: string; startTime: number }[] = [];
  for await (const execution of client.workflow.list({ query: `WorkflowId = '${workflowId}'` })) {
    runs.push({ runId: execution.runId, startTime: execution.startTime.getTime() });
  }
  return runs.sort((a, b) => a.startTime - b.startTime).map((run) => run.runId);
}

/** Stack traces name this machine's files and play no part in replay. */
function withoutStackTraces(json: string): string {
  return JSON.stringify(JSON.parse(json, (key, value: unknown) => (key === 'stackTrace' ? '' : value)), null, 2);
}

async function record(client: Client, name: string, tag: string | undefined, workflowId: string): Promise<string[]> {
  const runs = await runIds(client, workflowId);
  if (runs.length === 0) throw new Error(`${name}: no run of ${workflowId} is listed.`);
  const written: string[] = [];
  for (const [index, runId] of runs.entries()) {
    const history = await client.workflow.getHandle(workflowId, runId).fetchHistory();
    const file = path.join(historiesDir, `${name}${tag ? `.${tag}` : ''}${runs.length > 1 ? `.run${index + 1}` : ''}.json`);
    if (fs.existsSync(file)) throw new Error(`${path.relative(process.cwd(), file)} exists; record under another --tag.`);
    fs.writeFileSync(file, `${withoutStackTraces(historyToJson(history))}\n`);
    written.push(path.basename(file));
  }
  return written;
}

async function main(): Promise<void> {
  const { tag, names } = parseArguments(process.argv.slice(2));
  fs.mkdirSync(historiesDir, { recursive: true });
  // The reconciler's closing runs are scenarios too: it looks every few seconds here (minutes by default).
  process.env.REMOTE_BATCH_RECONCILE_INTERVAL ??= '2s';
  process.env.REMOTE_BATCH_RECONCILE_GRACE_PERIOD ??= '5s';
  const stack = await startLocalStack({
    dataDir: path.join(defaultDataDir, 'record-histories', String(process.pid)),
    ports: { temporal: await findFreePort(), temporalUi: await findFreePort(), azurite: await findFreePort(), emulator: await findFreePort() },
    pools: 'local:2:4',
    log: (line) => console.error(`[stack] ${line}`),
  });
  process.env.TEMPORAL_ADDRESS = stack.temporalAddress;
  const env = batchEnvironment({ poolId: 'local' });
  try {
    const client = await env.client();
    const results = await Promise.allSettled(
      names.map(async (name) => {
        const workflowId = await scenarios[name]({ env, client });
        // Visibility is eventually consistent: wait until every run is listed as closed.
        for (let look = 0; look < 100; look++) {
          const described = await client.workflow.getHandle(workflowId).describe();
          if (described.status.name !== 'RUNNING') break;
          await new Promise((resolve) => setTimeout(resolve, 200));
        }
        await new Promise((resolve) => setTimeout(resolve, 1500));
        return record(client, name, tag, workflowId);
      }),
    );
    for (const [index, result] of results.entries()) {
      if (result.status === 'fulfilled') console.log(`${names[index]}: recorded ${result.value.join(', ')}`);
      else {
        console.error(`${names[index]}: failed:`, result.reason);
        process.exitCode = 1;
      }
    }
  } finally {
    await env.close();
    await stack.stop();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
