import fs from 'node:fs';
import path from 'node:path';
import type { NodeLayout } from '../node/layout';
import type { JsonObject } from '../model/types';
import { timestampOfMs } from '../model/timestamp';

export interface FileEntry {
  /** Relative to the directory listed from, `/`-separated. */
  name: string;
  absolutePath: string;
  stat: fs.Stats;
}

/** Batch reports the Linux file mode as octal text, e.g. `0o100644`. */
export function fileModeOf(stat: fs.Stats): string {
  return `0o${stat.mode.toString(8)}`;
}

export function nodeFileToWire(entry: FileEntry, url: string): JsonObject {
  const isDirectory = entry.stat.isDirectory();
  return {
    name: entry.name,
    url,
    isDirectory,
    properties: {
      creationTime: timestampOfMs(entry.stat.birthtimeMs),
      lastModified: timestampOfMs(entry.stat.mtimeMs),
      contentLength: isDirectory ? 0 : entry.stat.size,
      contentType: 'application/octet-stream',
      fileMode: fileModeOf(entry.stat),
    },
  };
}

/** Entries below `root`: its direct children, or everything under it when recursive. */
export async function listEntries(root: string, recursive: boolean): Promise<FileEntry[]> {
  const entries: FileEntry[] = [];
  async function visit(dir: string, prefix: string): Promise<void> {
    const children = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
    children.sort((a, b) => a.name.localeCompare(b.name));
    for (const child of children) {
      const absolutePath = path.join(dir, child.name);
      const stat = await fs.promises.stat(absolutePath).catch(() => undefined);
      if (!stat) continue;
      const name = prefix ? `${prefix}/${child.name}` : child.name;
      entries.push({ name, absolutePath, stat });
      if (recursive && stat.isDirectory()) await visit(absolutePath, name);
    }
  }
  await visit(root, '');
  return entries;
}

export async function removeJobFiles(layout: NodeLayout, pools: Array<{ poolId: string; nodeIds: string[] }>, jobId: string): Promise<void> {
  for (const { poolId, nodeIds } of pools) {
    for (const nodeId of nodeIds) await fs.promises.rm(layout.jobDir(poolId, nodeId, jobId), { recursive: true, force: true });
  }
}
