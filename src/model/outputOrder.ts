/**
 * Why a task's logs vouch for its other outputs. Our task definitions list the
 * logs as the last output files, and the emulator uploads a task's output
 * files spec by spec in the order given (Batch documents no order, so this is
 * one faithful choice). Azure Storage keeps every write it acknowledged;
 * Azurite, killed, loses only the writes after its last save. So when a
 * task's logs are in storage, whatever it uploaded before them is too, and a
 * command's missing result.json means it wrote none: its node need not be
 * asked. Azure jobs created since then say so in their metadata; for older
 * ones (tasks defined logs first) the node is still asked.
 */
export const outputOrderMetadata = { name: 'remote-batch-outputs', value: 'logs-last' } as const;

export function uploadsLogsLast(metadata: readonly { name: string; value: string }[] | undefined): boolean {
  return metadata?.some((item) => item.name === outputOrderMetadata.name && item.value === outputOrderMetadata.value) ?? false;
}
