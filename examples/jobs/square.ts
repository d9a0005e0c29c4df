/** A small script job: squares its argument and says where it ran. */
export default function square(n: number): { input: number; square: number; processors: number } {
  const processors = Number(process.env.REMOTE_BATCH_PROCESSOR_COUNT ?? 1);
  console.log(`squaring ${n} on node ${process.env.AZ_BATCH_NODE_ID} with ${processors} vCPU(s)`);
  return { input: n, square: n * n, processors };
}
