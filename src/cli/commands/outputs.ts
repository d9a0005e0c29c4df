import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { type DownloadDestinationError, fileSystemReason } from '../../client/downloadDestination';
import type { JobOutputFile } from '../../client/taskOutputs';
import { closestName } from '../../model/errors';
import type { CommandContext } from '../context';
import { exitCodes, notFoundError, usageError } from '../exitCodes';
import type { JobRef } from '../jobRef';
import { secondsOption } from '../parse';
import { act } from '../act';
import { awaitEnd } from './result';
import { formatBytes, formatTable } from '../render';

interface OutputsFlags {
  download?: string;
  force?: boolean;
  wait?: boolean;
  timeout?: number;
  json?: boolean;
}

/** A file to list or download: one of a job's, or (for an array) one of a child's, named `<n>/<name>`. */
interface ShownOutput {
  name: string;
  size: number;
  child?: number;
  download(destination: string): Promise<void>;
}

/** Where an output file lands under `directory`; a name that would climb out of it is refused. */
export function downloadPath(directory: string, name: string): string {
  const root = path.resolve(directory);
  const target = path.resolve(root, name);
  if (target !== root && target.startsWith(root + path.sep)) return target;
  throw usageError(`output file name '${name}' would land outside ${root}; not downloaded.`);
}

export function pickOutputs<F extends Pick<JobOutputFile, 'name'>>(files: F[], names: string[]): F[] {
  if (names.length === 0) return files;
  return names.map((name) => {
    const file = files.find((candidate) => candidate.name === name);
    if (file) return file;
    const suggestion = closestName(name, files.map((candidate) => candidate.name));
    throw notFoundError(
      `the job has no output file '${name}'.${suggestion ? ` Did you mean '${suggestion}'?` : ''} It has: ${files.map((candidate) => candidate.name).join(', ') || 'none'}.`,
    );
  });
}

/** Files already at the targets are never overwritten silently: all are named, nothing is downloaded. */
function refuseOverwrites(targets: string[], force: boolean): void {
  if (force) return;
  const existing = targets.filter((target) => fs.existsSync(target));
  if (existing.length === 0) return;
  const shown = existing.slice(0, 3).join(', ') + (existing.length > 3 ? ` and ${existing.length - 3} more` : '');
  throw usageError(`${shown} already exist${existing.length === 1 ? 's' : ''}; nothing was downloaded. Pass --force to overwrite, or choose another --download folder.`);
}

/** The download folder, created if missing; a file in its place or a path that cannot be made is refused naming it (exit 2). */
function prepareDownloadFolder(folder: string): void {
  if (fs.existsSync(folder) && !fs.statSync(folder).isDirectory()) {
    throw usageError(`--download: '${folder}' is a file, not a folder; give a folder to download into (it is created if missing).`);
  }
  try {
    fs.mkdirSync(folder, { recursive: true });
  } catch (error) {
    throw usageError(`--download: cannot create the folder '${folder}': ${fileSystemReason(error as NodeJS.ErrnoException)}. Give a folder that can be created.`);
  }
}

/** Saves one file; a file-system refusal names the file and why, and says what was saved before it. */
async function saveOutput(file: ShownOutput, target: string, saved: number): Promise<void> {
  try {
    await file.download(target);
  } catch (error) {
    if (!(error instanceof Error) || error.name !== 'DownloadDestinationError') throw error;
    const { reason } = error as DownloadDestinationError;
    throw usageError(`--download: cannot save '${file.name}' as ${target}: ${reason}; ${saved} file${saved === 1 ? ' was' : 's were'} saved before it.`);
  }
}

async function outputsOf(job: JobRef, abortSignal: AbortSignal): Promise<ShownOutput[]> {
  const { downloadTaskOutput, listArrayOutputs } = require('../../client/taskOutputs') as typeof import('../../client/taskOutputs');
  const env = job.environment;
  // A child's files are in its array's container, as are every child's of an array.
  const container = job.jobType === 'ArrayChild' ? job.array.jobId : job.jobId;
  if (job.jobType !== 'Array') {
    return (await job.outputs({ abortSignal })).map((file) => ({ name: file.name, size: file.size, download: (destination) => downloadTaskOutput(env, container, file, destination, abortSignal) }));
  }
  return (await listArrayOutputs(env, job.jobId, abortSignal)).map((file) => ({
    name: `${file.child}/${file.name}`,
    size: file.size,
    child: file.child,
    download: (destination) => downloadTaskOutput(env, container, file, destination, abortSignal),
  }));
}

export function registerOutputs(program: Command, ctx: CommandContext): void {
  program
    .command('outputs')
    .summary('list the files a job wrote under ./JobOutput/, or download them')
    .description(
      'Lists the files the job wrote under ./JobOutput/ (uploaded to Blob Storage when the task ends), or with ' +
        '--download DIR saves them (or the ones named) under DIR, keeping their sub-folders. Of an array job: every ' +
        "child's files, named <n>/<name> (saved under DIR/<n>/). A file already in DIR is not overwritten without --force.",
    )
    .argument('<job-id>', 'the job (rb-…/n: child n of an array job; an array job: all its children)')
    .argument('[names...]', 'only these files (paths under JobOutput/; <n>/<path> for an array)')
    .option('--download <dir>', 'download into this folder (created if missing)')
    .option('--force', 'with --download: overwrite files already there')
    .option('--wait', 'wait for the job to end first (outputs are uploaded when it ends)')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long (exit 4)', secondsOption('--timeout'))
    .option('--json', 'print as JSON')
    .action(
      act(ctx, async (jobId: string, names: string[], flags: OutputsFlags, command: Command) => {
        if (flags.force && flags.download === undefined) throw usageError('--force applies with --download only.');
        const job = await ctx.job(command, jobId);
        await awaitEnd(ctx, job, {
          wait: Boolean(flags.wait),
          timeoutInMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined,
          howToWait: `add --wait to wait for it; outputs are uploaded when it ends`,
        });
        const files = pickOutputs(await outputsOf(job, ctx.io.signal), names);
        if (flags.download === undefined) {
          if (flags.json) ctx.out.json(files.map(({ name, size, child }) => ({ ...(child !== undefined ? { child } : {}), name, size })));
          else if (files.length === 0) ctx.out.info(`${jobId} wrote no files under ./JobOutput/.`);
          else for (const line of formatTable(['NAME', 'SIZE'], files.map((file) => [file.name, formatBytes(file.size)]))) ctx.out.line(line);
          return exitCodes.ok;
        }
        const targets = files.map((file) => ({ file, target: downloadPath(flags.download!, file.name) }));
        prepareDownloadFolder(flags.download);
        refuseOverwrites(targets.map(({ target }) => target), Boolean(flags.force));
        const saved: { name: string; size: number; path: string; child?: number }[] = [];
        for (const { file, target } of targets) {
          await saveOutput(file, target, saved.length);
          saved.push({ ...(file.child !== undefined ? { child: file.child } : {}), name: file.name, size: file.size, path: target });
          if (!flags.json) ctx.out.line(target);
        }
        if (flags.json) ctx.out.json(saved);
        else ctx.out.info(`downloaded ${saved.length} file${saved.length === 1 ? '' : 's'} into ${path.resolve(flags.download)}.`);
        return exitCodes.ok;
      }),
    );
}
