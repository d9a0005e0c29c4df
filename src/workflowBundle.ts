/**
 * Where the worker gets its workflow code: bundled at start from `src/workflows`
 * (development), or a bundle prebuilt once, e.g. when a container image is built,
 * so every replica starts without running webpack and all run the same code.
 *
 * `tsx src/workflowBundle.ts <out.js>` writes that bundle.
 */
import fs from 'node:fs';
import path from 'node:path';
import { workflowTracingModule } from './telemetry/workflowTracing';

export const workflowBundleVariable = 'REMOTE_BATCH_WORKFLOW_BUNDLE';

// By path rather than require.resolve: the compiled CLI (which starts stacks) resolves no .ts of its own.
const workflowsPath = path.join(__dirname, 'workflows', 'index.ts');

export type WorkflowSource = { workflowBundle: { codePath: string } } | { workflowsPath: string };

export class WorkflowBundleMissingError extends Error {
  constructor(readonly file: string) {
    super(
      `${workflowBundleVariable} names ${file}, which does not exist. ` +
        `Build it with 'tsx src/workflowBundle.ts ${file}', or unset ${workflowBundleVariable} to bundle the workflows at start.`,
    );
    this.name = 'WorkflowBundleMissingError';
  }
}

export function workflowSource(env: NodeJS.ProcessEnv = process.env): WorkflowSource {
  const bundle = env[workflowBundleVariable];
  if (!bundle) return { workflowsPath };
  const codePath = path.resolve(bundle);
  if (!fs.existsSync(codePath)) throw new WorkflowBundleMissingError(codePath);
  return { workflowBundle: { codePath } };
}

/** Writes the bundle; `quiet` keeps webpack's report out of the output (warnings and errors still show). */
export async function writeWorkflowBundle(outFile: string, { quiet = false } = {}): Promise<void> {
  // Loaded here: webpack comes with it, and what only reads the variable's name should not wait for it.
  const { bundleWorkflowCode, DefaultLogger } = await import('@temporalio/worker');
  // The tracing interceptors are built in, so the same image traces when OTEL_EXPORTER_OTLP_ENDPOINT is set.
  const { code } = await bundleWorkflowCode({
    workflowsPath,
    workflowInterceptorModules: [workflowTracingModule],
    ...(quiet ? { logger: new DefaultLogger('WARN') } : {}),
  });
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  fs.writeFileSync(outFile, code);
}

if (require.main === module) {
  const outFile = process.argv[2];
  if (!outFile) {
    console.error('usage: tsx src/workflowBundle.ts <out.js>');
    process.exit(2);
  }
  writeWorkflowBundle(outFile).then(
    () => console.log(`workflow bundle written to ${outFile}`),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
