import fs from 'node:fs';
import { ErrorFactory } from '../errors/errorFactory';
import { headerValue, type BatchRequest } from '../http/request';
import { empty, type FileResult, type HandlerResult } from '../http/result';
import type { NodeLayout } from '../node/layout';
import { resolveInside } from '../node/layout';
import { FILE_FILTER } from '../protocol/odataFilter';
import { nodeUrl, taskUrl } from '../protocol/serialize';
import type { BatchStore } from '../store/store';
import { checkConditions } from './common';
import { listPage } from './listing';
import { fileModeOf, listEntries, nodeFileToWire } from './nodeFiles';
import { timestampOfMs } from '../model/timestamp';

/** Files of a task (relative to its task directory) and of a node (relative to its root). */
export class FileHandler {
  constructor(
    private readonly store: BatchStore,
    private readonly layout: NodeLayout,
  ) {}

  async getFromTask(request: BatchRequest, params: Record<string, string>): Promise<HandlerResult> {
    const { root, url } = this.taskRoot(request, params);
    return this.serveFile(request, root, params.filePath, `${url}/files/${encodePath(params.filePath)}`);
  }

  async deleteFromTask(request: BatchRequest, params: Record<string, string>): Promise<HandlerResult> {
    const { root } = this.taskRoot(request, params);
    return this.deleteFile(request, root, params.filePath);
  }

  async listFromTask(request: BatchRequest, params: Record<string, string>): Promise<HandlerResult> {
    const { root, url } = this.taskRoot(request, params);
    return this.listFiles(request, root, `${url}/files`);
  }

  async getFromNode(request: BatchRequest, params: Record<string, string>): Promise<HandlerResult> {
    const { root, url } = this.nodeRoot(request, params);
    return this.serveFile(request, root, params.filePath, `${url}/files/${encodePath(params.filePath)}`);
  }

  async deleteFromNode(request: BatchRequest, params: Record<string, string>): Promise<HandlerResult> {
    const { root } = this.nodeRoot(request, params);
    return this.deleteFile(request, root, params.filePath);
  }

  async listFromNode(request: BatchRequest, params: Record<string, string>): Promise<HandlerResult> {
    const { root, url } = this.nodeRoot(request, params);
    return this.listFiles(request, root, `${url}/files`);
  }

  private taskRoot(request: BatchRequest, params: Record<string, string>): { root: string; url: string } {
    const job = this.store.getJob(params.jobId);
    if (!job) throw ErrorFactory.jobNotFound();
    const task = this.store.getTask(job.id, params.taskId);
    if (!task) throw ErrorFactory.taskNotFound();
    if (!task.nodeInfo) throw ErrorFactory.operationInvalidForCurrentState('The task has not been scheduled on a node yet, so it has no files.');
    if (task.filesCleanedUp) throw ErrorFactory.taskFilesCleanedUp();
    const { poolId, nodeId } = task.nodeInfo;
    return { root: this.layout.taskDir(poolId, nodeId, task.jobId, task.id), url: taskUrl(request.baseUrl, task.jobId, task.id) };
  }

  private nodeRoot(request: BatchRequest, params: Record<string, string>): { root: string; url: string } {
    const pool = this.store.getPool(params.poolId);
    if (!pool) throw ErrorFactory.poolNotFound();
    const node = this.store.getNode(pool.id, params.nodeId);
    if (!node) throw ErrorFactory.nodeNotFound();
    return { root: this.layout.rootDir(pool.id, node.id), url: nodeUrl(request.baseUrl, pool.id, node.id) };
  }

  /** The file under `root`; a symlink a task made that leads outside its directory is not followed. */
  private async resolve(root: string, filePath: string): Promise<{ path: string; stat: fs.Stats }> {
    const path = resolveInside(root, filePath);
    if (!path) throw ErrorFactory.fileNotFound();
    const [real, realRoot] = await Promise.all([fs.promises.realpath(path).catch(() => undefined), fs.promises.realpath(root).catch(() => root)]);
    if (!real || !(real === realRoot || real.startsWith(`${realRoot}/`))) throw ErrorFactory.fileNotFound();
    const stat = await fs.promises.stat(path).catch(() => undefined);
    if (!stat) throw ErrorFactory.fileNotFound();
    return { path, stat };
  }

  private async serveFile(request: BatchRequest, root: string, filePath: string, url: string): Promise<HandlerResult> {
    const { path, stat } = await this.resolve(root, filePath);
    const versioned = { eTag: `0x${Math.floor(stat.mtimeMs * 10_000).toString(16).toUpperCase()}`, lastModified: timestampOfMs(stat.mtimeMs) };
    checkConditions(request, versioned, 'read');
    const headers: Record<string, string> = {
      'ocp-creation-time': stat.birthtime.toUTCString(),
      'ocp-batch-file-isdirectory': String(stat.isDirectory()),
      'ocp-batch-file-url': url,
      'ocp-batch-file-mode': fileModeOf(stat),
      'Content-Type': 'application/octet-stream',
      ETag: versioned.eTag,
      'Last-Modified': stat.mtime.toUTCString(),
    };
    if (stat.isDirectory()) {
      if (request.method === 'HEAD') return empty(200, headers);
      throw ErrorFactory.fileNotFound();
    }
    const result: FileResult = { kind: 'file', status: 200, path, headers };
    const range = headerValue(request, 'ocp-range') ?? headerValue(request, 'range');
    if (range && request.method === 'GET') result.range = parseRange(range, stat.size);
    return result;
  }

  private async deleteFile(request: BatchRequest, root: string, filePath: string): Promise<HandlerResult> {
    const { path, stat } = await this.resolve(root, filePath);
    if (path === root) throw ErrorFactory.operationInvalidForCurrentState('The root directory cannot be deleted.');
    const recursive = request.query.get('recursive') === 'true';
    if (stat.isDirectory() && !recursive && (await fs.promises.readdir(path)).length > 0) {
      throw ErrorFactory.operationInvalidForCurrentState('The directory is not empty; pass recursive=true to delete it with its contents.');
    }
    await fs.promises.rm(path, { recursive: true, force: true });
    return empty(200);
  }

  private async listFiles(request: BatchRequest, root: string, baseUrl: string): Promise<HandlerResult> {
    const recursive = request.query.get('recursive') === 'true';
    const entries = await listEntries(root, recursive);
    return listPage(request, {
      fragment: 'files',
      items: entries.map((entry, index) => ({ entry, index })),
      positionOf: (item) => item.index,
      toWire: (item) => nodeFileToWire(item.entry, `${baseUrl}/${encodePath(item.entry.name)}`),
      filterable: FILE_FILTER,
    });
  }
}

/** `bytes=start-end`, `bytes=start-` or `bytes=-suffix`, clamped to the file as HTTP does. */
function parseRange(text: string, size: number): { start: number; end: number } {
  const match = /^bytes=(\d*)-(\d*)$/.exec(text.trim());
  if (!match || (match[1] === '' && match[2] === '')) throw ErrorFactory.invalidHeaderValue('ocp-range', text, "The range must look like 'bytes=0-99'.");
  let start: number;
  let end: number;
  if (match[1] === '') {
    start = Math.max(0, size - Number(match[2]));
    end = size - 1;
  } else {
    start = Number(match[1]);
    end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  }
  if (start > end || start >= size) {
    if (size === 0 && start === 0) return { start: 0, end: -1 };
    throw ErrorFactory.invalidRange(text);
  }
  return { start, end };
}

function encodePath(filePath: string): string {
  return filePath.split('/').map(encodeURIComponent).join('/');
}
