import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './composeModel';

/**
 * Environment variable names a source file reads: `env.NAME`, `env['NAME']`,
 * `process.env.NAME`, and string constants naming one (`= 'NAME'`), as in
 * `connectionsFileVariable = 'REMOTE_BATCH_CONNECTIONS_FILE'`.
 */
export function variablesReadBy(...files: string[]): Set<string> {
  const names = new Set<string>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
    const patterns = [/\benv\.([A-Z][A-Z0-9_]+)\b/g, /\benv\[\s*['"]([A-Z][A-Z0-9_]+)['"]\s*\]/g, /=\s*['"]([A-Z][A-Z0-9_]{3,})['"]/g];
    for (const pattern of patterns) for (const match of text.matchAll(pattern)) names.add(match[1]);
  }
  return names;
}

/** The files whose variables configure a worker (Temporal, connections, workflow bundle, telemetry, reconciler, its version, its own). */
export const workerConfigurationFiles = [
  'src/worker.ts',
  'src/workerVersion.ts',
  'src/client/temporalSettings.ts',
  'src/connections/store.ts',
  'src/workflowBundle.ts',
  'src/telemetry/telemetrySettings.ts',
  'src/telemetry/tracing.ts',
  'src/model/reconcilerSettings.ts',
];

/** Every variable a worker's own code reads. */
export function workerVariables(): Set<string> {
  return variablesReadBy(...workerConfigurationFiles);
}
