/** The pool a task waits for cannot run it now: no nodes, or nodes that failed to come. */
export function poolWaitingReason(
  poolId: string,
  pool: { currentDedicatedNodes?: number; currentLowPriorityNodes?: number; resizeErrors?: { code?: string; message?: string }[] },
): string | undefined {
  const nodes = (pool.currentDedicatedNodes ?? 0) + (pool.currentLowPriorityNodes ?? 0);
  const resizeError = pool.resizeErrors?.[0]?.code;
  if (nodes > 0) return undefined;
  return `waiting: pool '${poolId}' has no nodes${resizeError ? ` (resize error ${resizeError})` : ''}`;
}
