import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { workerBuildId } from '../workerBuildId';
import { writeWorkflowBundle } from '../workflowBundle';
import { defaultDataDir, repoRoot } from './config';

const cacheDir = path.join(defaultDataDir, 'workflow-bundles');
/** Bundles of other code kept besides the current one (another branch's, the one before a change). */
const keptBundles = 4;

/**
 * The file a bundle of today's workflow code goes to: named by the hash the
 * worker's build id already takes of that code (src/workflows, src/model), and
 * by the installed packages that go into the bundle with it.
 */
function bundleFile(): string {
  const key = createHash('sha256')
    .update(workerBuildId())
    .update('\0')
    .update(fs.readFileSync(path.join(repoRoot, 'package-lock.json')))
    .digest('hex')
    .slice(0, 16);
  return path.join(cacheDir, `workflows-${key}.js`);
}

function removeOldBundles(current: string): void {
  const others = fs
    .readdirSync(cacheDir)
    .filter((name) => name.endsWith('.js') && path.join(cacheDir, name) !== current)
    .map((name) => ({ file: path.join(cacheDir, name), at: fs.statSync(path.join(cacheDir, name)).mtimeMs }))
    .sort((a, b) => b.at - a.at);
  for (const { file } of others.slice(keptBundles)) fs.rmSync(file, { force: true });
}

/**
 * A prebuilt workflow bundle for the local stack's workers, built once per
 * version of the workflow code: webpack takes several CPU-seconds, which every
 * worker start paid before. Built beside the other services' start.
 */
export async function cachedWorkflowBundle(log: (line: string) => void): Promise<string> {
  const file = bundleFile();
  if (fs.existsSync(file)) return file;
  log('bundling the workflows (once for this workflow code) ...');
  fs.mkdirSync(cacheDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeWorkflowBundle(temporary, { quiet: true });
  fs.renameSync(temporary, file);
  removeOldBundles(file);
  return file;
}
