import type { AzureGateways } from '../azure/gateways';
import { arrayChildrenActivities } from './arrayChildren';
import { arrayEndingActivities } from './arrayEnding';
import { arrayProgressActivities } from './arrayProgress';
import { dependencyActivities } from './dependencies';
import { jobSetupActivities } from './jobSetup';
import { notificationActivities } from './notifications';
import { scheduleInputActivities } from './scheduleInputs';
import { taskWatchActivities } from './taskWatch';
import { workflowHistoryActivities } from './workflowHistory';

/** Every job activity, built on the Azure gateways the worker injects. */
export function createActivities(gateways: AzureGateways) {
  return {
    ...jobSetupActivities(gateways),
    ...taskWatchActivities(gateways),
    ...arrayChildrenActivities(gateways),
    ...arrayProgressActivities(gateways),
    ...arrayEndingActivities(gateways),
    ...workflowHistoryActivities(),
    ...dependencyActivities(),
    ...notificationActivities(),
    ...scheduleInputActivities(gateways),
  };
}

export type Activities = ReturnType<typeof createActivities>;
