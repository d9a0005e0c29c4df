/**
 * How each workflow type meets a new worker version (CONTRIBUTING.md, "Worker
 * versions and rolling out new code"). Pinned: the run stays on the version
 * that started it, so its code never changes under it. Auto-upgrade: the run
 * moves to the current version at its next workflow task, so that code must
 * replay the run's history (`patched()` where the logic changes).
 */
import { setWorkflowOptions } from '@temporalio/workflow';
import { arrayJob } from './arrayJob';
import { closeOrphanedJob } from './orphanedJob';
import { reconcileOrphans } from './reconciler';
import { scheduledJob } from './scheduledJob';
import { singleJob } from './singleJob';

/** As long as its task runs: minutes to hours, which its version's workers stay up for. */
setWorkflowOptions({ versioningBehavior: 'PINNED' }, singleJob);
/** Days (its retry window), across continue-as-new: it must not hold its first version's workers that long. */
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, arrayJob);
/** Short, and started again by the schedule: whichever version is current runs them. */
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, reconcileOrphans);
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, closeOrphanedJob);
/** As long as its job: it only starts the job and waits for it, so whichever version is current can carry it on. */
setWorkflowOptions({ versioningBehavior: 'AUTO_UPGRADE' }, scheduledJob);
