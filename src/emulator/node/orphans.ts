import fs from 'node:fs';
import type { TaskRecord } from '../model/types';
import type { NodeLayout } from './layout';
import { killProcessGroup } from './processGroup';

/** A process group left by an emulator that stopped abruptly is ended, if it is still that task's. */
export function endOrphan(task: TaskRecord, layout: NodeLayout): void {
  const pgid = task.processGroupId;
  if (!pgid || !task.nodeInfo) return;
  try {
    const cwd = fs.readlinkSync(`/proc/${pgid}/cwd`);
    if (cwd === layout.workingDir(task.nodeInfo.poolId, task.nodeInfo.nodeId, task.jobId, task.id)) killProcessGroup(pgid);
  } catch {
    // Gone already, or not ours to inspect.
  }
}

