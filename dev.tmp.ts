import { batchEnvironment, submit } from './src/client';
async function main() {
  const env = batchEnvironment({ poolId: 'local', temporal: { address: '127.0.0.1:17233' } });
  const job = await submit(env, { command: 'true' });
  for (;;) { const s = await job.get('JobStatus'); if (s === 'Succeeded' || s === 'Failed') break; await new Promise((r) => setTimeout(r, 300)); }
  await env.close();
}
main().then(() => process.exit(0));
