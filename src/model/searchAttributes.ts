/**
 * Custom search attributes the stack registers and the workflows keep current,
 * so a user can type e.g. `RemoteBatchJobStatus="Running" AND RemoteBatchPoolId="local"`
 * into the Temporal UI's search box.
 */
export const searchAttributeDefinitions = {
  RemoteBatchJobStatus: 'Keyword',
  RemoteBatchJobType: 'Keyword',
  RemoteBatchPoolId: 'Keyword',
  RemoteBatchAzureJobId: 'Keyword',
  RemoteBatchEnvironment: 'Keyword',
} as const;

export type SearchAttributeName = keyof typeof searchAttributeDefinitions;
