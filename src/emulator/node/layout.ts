import path from 'node:path';

/**
 * Batch's directory layout on a Linux node, rooted in the emulator's data folder:
 * `<root>/workitems/<jobId>/job-1/<taskId>/{stdout.txt,stderr.txt,wd/}`, `<root>/shared`, `<root>/startup`.
 */
export class NodeLayout {
  constructor(private readonly dataDir: string) {}

  rootDir(poolId: string, nodeId: string): string {
    return path.join(this.dataDir, 'pools', poolId.toLowerCase(), 'nodes', nodeId);
  }
  sharedDir(poolId: string, nodeId: string): string {
    return path.join(this.rootDir(poolId, nodeId), 'shared');
  }
  startupDir(poolId: string, nodeId: string): string {
    return path.join(this.rootDir(poolId, nodeId), 'startup');
  }
  poolDir(poolId: string): string {
    return path.join(this.dataDir, 'pools', poolId.toLowerCase());
  }
  /** Relative to the node root; what Batch reports as `nodeInfo.taskRootDirectory`. */
  taskRootDirectory(jobId: string, taskId: string): string {
    return `workitems/${jobId}/job-1/${taskId}`;
  }
  jobDir(poolId: string, nodeId: string, jobId: string): string {
    return path.join(this.rootDir(poolId, nodeId), 'workitems', jobId);
  }
  taskDir(poolId: string, nodeId: string, jobId: string, taskId: string): string {
    return path.join(this.rootDir(poolId, nodeId), this.taskRootDirectory(jobId, taskId));
  }
  workingDir(poolId: string, nodeId: string, jobId: string, taskId: string): string {
    return path.join(this.taskDir(poolId, nodeId, jobId, taskId), 'wd');
  }
}

/** Resolves `relative` inside `root`, or undefined when it would step outside it. */
export function resolveInside(root: string, relative: string): string | undefined {
  const resolved = path.resolve(root, relative.replace(/\\/g, '/').replace(/^\/+/, ''));
  return resolved === root || resolved.startsWith(root + path.sep) ? resolved : undefined;
}
