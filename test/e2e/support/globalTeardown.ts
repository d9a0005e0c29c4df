export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __remoteBatchStack?: { stop(): Promise<void> } }).__remoteBatchStack?.stop();
}
