import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** The folders whose code decides what a workflow does: a change in them is a new worker version. */
const workflowCodeFolders = ['workflows', 'model'];

function sourceFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  return fs
    .readdirSync(folder, { withFileTypes: true })
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(path.join(folder, entry.name)) : /\.[cm]?[jt]s$/.test(entry.name) ? [path.join(folder, entry.name)] : []))
    .sort();
}

/**
 * `remote-batch@<package version>+<12 hex digits>`: the digits hash the
 * workflow code itself (src/workflows and src/model), so two workers share a
 * build id exactly when they run the same workflow code, with or without git.
 */
export function workerBuildId(srcDir = __dirname): string {
  const hash = createHash('sha256');
  for (const file of workflowCodeFolders.flatMap((folder) => sourceFiles(path.join(srcDir, folder)))) {
    hash.update(path.relative(srcDir, file)).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  const { version } = JSON.parse(fs.readFileSync(path.join(srcDir, '..', 'package.json'), 'utf8')) as { version: string };
  return `remote-batch@${version}+${hash.digest('hex').slice(0, 12)}`;
}
