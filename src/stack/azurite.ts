import fs from 'node:fs';
import path from 'node:path';
import { loopback, repoRoot } from './config';
import { ManagedProcess } from './managedProcess';
import { assertPortFree, canConnect } from './ports';

/** Azurite's well-known development account (public, documented by Microsoft). */
export const azuriteAccountName = 'devstoreaccount1';
export const azuriteAccountKey =
  'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface AzuriteOptions {
  port: number;
  dataDir: string;
  logFile: string;
  /** Keep blobs in memory only (faster; nothing survives a restart). */
  inMemory?: boolean;
  /** Preload scripts/azurite-indexed-lookups.js (default); off only to measure what it saves. */
  indexedLookups?: boolean;
  /** Preload scripts/azurite-paced-saves.js (default); off only to measure what it saves. */
  pacedSaves?: boolean;
}

export interface RunningAzurite {
  blobEndpoint: string;
  connectionString: string;
  process: ManagedProcess;
  stop(): Promise<void>;
}

export async function startAzurite(options: AzuriteOptions): Promise<RunningAzurite> {
  await assertPortFree(options.port, 'Azurite (Blob Storage)', 'REMOTE_BATCH_AZURITE_PORT');
  fs.mkdirSync(options.dataDir, { recursive: true });
  const main = path.join(repoRoot, 'node_modules', 'azurite', 'dist', 'src', 'blob', 'main.js');
  const indexedLookups = path.join(repoRoot, 'scripts', 'azurite-indexed-lookups.js');
  const pacedSaves = path.join(repoRoot, 'scripts', 'azurite-paced-saves.js');
  const process_ = await ManagedProcess.start({
    name: 'Azurite',
    command: process.execPath,
    args: [
      ...(options.indexedLookups === false ? [] : ['--require', indexedLookups]),
      ...(options.pacedSaves === false ? [] : ['--require', pacedSaves]),
      main,
      '--blobHost', loopback,
      '--blobPort', String(options.port),
      ...(options.inMemory ? ['--inMemoryPersistence'] : ['--location', options.dataDir]),
      '--skipApiVersionCheck',
      '--loose',
      '--silent',
      // Azurite otherwise sends usage telemetry to Microsoft and keeps an instance id (AzuriteConfig) in its folder.
      '--disableTelemetry',
    ],
    logFile: options.logFile,
    isReady: () => canConnect(options.port),
  });
  const blobEndpoint = `http://${loopback}:${options.port}/${azuriteAccountName}`;
  return {
    blobEndpoint,
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${azuriteAccountName};` +
      `AccountKey=${azuriteAccountKey};BlobEndpoint=${blobEndpoint};`,
    process: process_,
    stop: () => process_.stop(),
  };
}
