import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import type { JobOutputFile } from '../../client/jobObject';
import { closestName } from '../../model/errors';
import type { CommandContext } from '../context';
import { exitCodes, notFoundError, usageError } from '../exitCodes';
import { numberOption } from '../parse';
import { act } from '../program';
import { awaitEnd } from './result';
import { formatBytes, formatTable } from '../render';

interface OutputsFlags {
  download?: string;
  wait?: boolean;
  timeout?: number;
  json?: boolean;
}

/** Where an output file lands under `directory`; a name that would climb out of it is refused. */
export function downloadPath(directory: string, name: string): string {
  const root = path.resolve(directory);
  const target = path.resolve(root, name);
  if (target !== root && target.startsWith(root + path.sep)) return target;
  throw usageError(`output file name '${name}' would land outside ${root}; not downloaded.`);
}

export function pickOutputs(files: JobOutputFile[], names: string[]): JobOutputFile[] {
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

export function registerOutputs(program: Command, ctx: CommandContext): void {
  program
    .command('outputs')
    .summary('list the files a job wrote under ./JobOutput/, or download them')
    .description(
      'Lists the files the job wrote under ./JobOutput/ (uploaded to Blob Storage when the task ends), or with ' +
        '--download DIR saves them (or the ones named) under DIR, keeping their sub-folders.',
    )
    .argument('<job-id>', 'the job (rb-…/n: child n of an array job)')
    .argument('[names...]', 'only these files (paths under JobOutput/)')
    .option('--download <dir>', 'download into this folder (created if missing)')
    .option('--wait', 'wait for the job to end first (outputs are uploaded when it ends)')
    .option('--timeout <seconds>', 'with --wait: stop waiting after this long (exit 4)', numberOption('--timeout'))
    .option('--json', 'print as JSON')
    .action(
      act(ctx, async (jobId: string, names: string[], flags: OutputsFlags, command: Command) => {
        const ref = await ctx.taskJob(command, jobId, 'output files');
        await awaitEnd(ctx, ref, { wait: Boolean(flags.wait), timeoutInMs: flags.timeout !== undefined ? flags.timeout * 1000 : undefined });
        const files = pickOutputs(await ref.outputs(), names);
        if (flags.download === undefined) {
          if (flags.json) ctx.out.json(files.map(({ name, size }) => ({ name, size })));
          else if (files.length === 0) ctx.out.info(`${jobId} wrote no files under ./JobOutput/.`);
          else for (const line of formatTable(['NAME', 'SIZE'], files.map((file) => [file.name, formatBytes(file.size)]))) ctx.out.line(line);
          return exitCodes.ok;
        }
        const saved: { name: string; size: number; path: string }[] = [];
        const targets = files.map((file) => ({ file, target: downloadPath(flags.download!, file.name) }));
        fs.mkdirSync(flags.download, { recursive: true });
        for (const { file, target } of targets) {
          await ref.download(file, target);
          saved.push({ name: file.name, size: file.size, path: target });
          if (!flags.json) ctx.out.line(target);
        }
        if (flags.json) ctx.out.json(saved);
        else ctx.out.info(`downloaded ${saved.length} file${saved.length === 1 ? '' : 's'} into ${path.resolve(flags.download)}.`);
        return exitCodes.ok;
      }),
    );
}
