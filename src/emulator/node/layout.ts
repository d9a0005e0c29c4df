import fs from 'node:fs';
import path from 'node:path';

/**
 * Batch's directory layout on a Linux node, rooted in the emulator's data folder:
 * `<root>/workitems/<jobId>/job-1/<taskId>/{stdout.txt,stderr.txt,wd/}`, `<root>/shared`, `<root>/startup`.
 */
/** Relative to the node root; what Batch reports as `nodeInfo.taskRootDirectory`. */
export function taskRootDirectoryOf(jobId: string, taskId: string): string {
  return `workitems/${jobId}/job-1/${taskId}`;
}

/**
 * Removes a directory a task's process may still be writing into (a process
 * left from before a restart, one stopping): retried while files appear, and
 * never an unhandled failure, which would stop the whole emulator.
 */
export async function removeTaskFiles(dir: string): Promise<void> {
  try {
    await fs.promises.rm(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 100 });
  } catch (error) {
    console.warn(`could not remove ${dir} (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); it is left on disk`);
  }
}

export class NodeLayout {
  /** Nodes whose shared/ and startup/ directories exist (made when a task is first placed there). */
  private readonly materialized = new Set<string>();

  constructor(private readonly dataDir: string) {}

  /** Creates a node's directories the first time a task lands on it; nodes never used cost no inode. */
  materializeNode(poolId: string, nodeId: string): void {
    const key = `${poolId.toLowerCase()}/${nodeId}`;
    if (this.materialized.has(key)) return;
    fs.mkdirSync(this.sharedDir(poolId, nodeId), { recursive: true });
    fs.mkdirSync(this.startupDir(poolId, nodeId), { recursive: true });
    this.materialized.add(key);
  }

  async removeNode(poolId: string, nodeId: string): Promise<void> {
    this.materialized.delete(`${poolId.toLowerCase()}/${nodeId}`);
    await fs.promises.rm(this.rootDir(poolId, nodeId), { recursive: true, force: true });
  }

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
  taskRootDirectory(jobId: string, taskId: string): string {
    return taskRootDirectoryOf(jobId, taskId);
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
