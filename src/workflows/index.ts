import './versioning';

export { singleJob } from './singleJob';
export { arrayJob } from './arrayJob';
export { reconcileOrphans } from './reconciler';
export { closeOrphanedJob } from './orphanedJob';
export { scheduledJob } from './scheduledJob';
