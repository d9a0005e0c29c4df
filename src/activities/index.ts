import type { ConnectionClients } from '../azure/connectionClients';
import { createArrayChildrenActivities } from './arrayChildren';
import { createArrayProgressActivities } from './arrayProgress';
import { createBatchActivities } from './batch';
import { createStorageActivities } from './storage';
import { createWorkflowHistoryActivities } from './workflowHistory';

/** Every activity, built from configured SDK clients (the worker injects them). */
export function createActivities(clients: ConnectionClients) {
  return {
    ...createBatchActivities(clients),
    ...createStorageActivities(clients),
    ...createArrayChildrenActivities(clients),
    ...createArrayProgressActivities(clients),
    ...createWorkflowHistoryActivities(),
  };
}

export type Activities = ReturnType<typeof createActivities>;
