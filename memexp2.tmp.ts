import fs from 'node:fs';
import { BatchServiceClient, BatchSharedKeyCredentials } from '@azure/batch';
import { startEmulator, DEFAULT_ACCOUNT_KEY } from './src/emulator';
const SAS = `?sv=2022-11-02&ss=b&srt=co&sp=wc&se=2030-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=${'x'.repeat(44)}`;
const CONTAINER = `http://127.0.0.1:10000/devstoreaccount1/job-changes${SAS}`;
function task(i: number) {
  const id = `child-${String(i).padStart(6, '0')}`;
  const upload = (filePattern: string, blob: string) => ({ filePattern, destination: { container: { containerUrl: CONTAINER, path: blob } }, uploadOptions: { uploadCondition: 'taskcompletion' as const } });
  return { id, commandLine: `/bin/sh -c 'python3 run.py --index ${i}'`, requiredSlots: 1,
    resourceFiles: [{ httpUrl: `http://127.0.0.1:10000/devstoreaccount1/job-changes/input/script.py${SAS}`, filePath: 'run.py' }],
    environmentSettings: [{ name: 'ARRAY_INDEX', value: String(i) }, { name: 'JOB_NAME', value: 'changes' }, { name: 'SETTING', value: 'value' }],
    constraints: { maxTaskRetryCount: 0 },
    outputFiles: [upload('../std*.txt', `${id}/$TaskLog`), upload('result.json', `${id}/$TaskOutput/result.json`), upload('evaluation.json', `${id}/$TaskOutput/evaluation.json`), upload('JobOutput/**/*', `${id}/$TaskOutput/JobOutput`)] };
}
(async () => {
  const gc = (globalThis as any).gc;
  const dir = fs.mkdtempSync('/tmp/memexp-');
  const e = await startEmulator({ port: 0, dataDir: dir, pools: [{ id: 'idle', nodeCount: 0, taskSlotsPerNode: 1 }], log: () => undefined });
  const c = new BatchServiceClient(new BatchSharedKeyCredentials('localbatch', DEFAULT_ACCOUNT_KEY), e.url);
  await c.job.add({ id: 'changes', poolInfo: { poolId: 'idle' } });
  gc(); const base = process.memoryUsage();
  const N = Number(process.argv[2] ?? 30000);
  for (let s = 0; s < N; s += 100) await c.task.addCollection('changes', Array.from({ length: 100 }, (_, k) => task(s + k)) as any);
  const before = process.memoryUsage();
  gc(); await new Promise((r) => setTimeout(r, 500)); gc();
  const m = process.memoryUsage();
  console.log(N, 'heapUsed delta MB', ((m.heapUsed - base.heapUsed) / 1e6).toFixed(0), 'rss before gc', (before.rss / 1e6).toFixed(0), 'rss after', (m.rss / 1e6).toFixed(0), 'heapTotal', (m.heapTotal/1e6).toFixed(0), 'external', (m.external/1e6).toFixed(0), 'arrayBuffers', (m.arrayBuffers/1e6).toFixed(0));
  await e.close(); fs.rmSync(dir, { recursive: true });
})();
