import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import {
  BlobServiceClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from '@azure/storage-blob';

/** Azurite's public development account. */
const ACCOUNT = 'devstoreaccount1';
const KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface TestAzurite {
  blobService: BlobServiceClient;
  /** Creates a container and returns a SAS URL for it with the given permissions (default read/write/list/create). */
  container(name: string, permissions?: string): Promise<string>;
  readBlob(container: string, name: string): Promise<string>;
  listBlobs(container: string): Promise<string[]>;
  stop(): Promise<void>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as net.AddressInfo).port;
      server.close(() => resolve(port));
    });
  });
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A real Azurite blob service in its own process, on a free port, with a throwaway data folder. */
export async function startAzurite(): Promise<TestAzurite> {
  const port = await freePort();
  const location = fs.mkdtempSync(path.join(os.tmpdir(), 'batch-emulator-azurite-'));
  const main = path.resolve(__dirname, '../../node_modules/azurite/dist/src/blob/main.js');
  const child: ChildProcess = spawn(
    process.execPath,
    [main, '--blobHost', '127.0.0.1', '--blobPort', String(port), '--location', location, '--skipApiVersionCheck', '--loose', '--silent'],
    { stdio: 'ignore' },
  );
  const deadline = Date.now() + 30_000;
  while (!(await answers(port))) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`Azurite did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const credential = new StorageSharedKeyCredential(ACCOUNT, KEY);
  const blobService = new BlobServiceClient(`http://127.0.0.1:${port}/${ACCOUNT}`, credential);
  return {
    blobService,
    async container(name, permissions = 'rwlc') {
      const container = blobService.getContainerClient(name);
      await container.createIfNotExists();
      const sas = generateBlobSASQueryParameters(
        { containerName: name, permissions: ContainerSASPermissions.parse(permissions), expiresOn: new Date(Date.now() + 3_600_000) },
        credential,
      ).toString();
      return `${container.url}?${sas}`;
    },
    async readBlob(container, name) {
      return (await blobService.getContainerClient(container).getBlobClient(name).downloadToBuffer()).toString('utf8');
    },
    async listBlobs(container) {
      const names: string[] = [];
      for await (const blob of blobService.getContainerClient(container).listBlobsFlat()) names.push(blob.name);
      return names.sort();
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(location, { recursive: true, force: true });
    },
  };
}
