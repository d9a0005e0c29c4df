import net from 'node:net';
import { loopback } from './config';

export class PortInUseError extends Error {
  constructor(readonly port: number, readonly service: string, readonly variable: string) {
    super(
      `Port ${port} for ${service} is already in use on ${loopback}. ` +
        `Stop whatever holds it, or choose another port with ${variable}=<port>.`,
    );
    this.name = 'PortInUseError';
  }
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, loopback, () => server.close(() => resolve(true)));
  });
}

export async function assertPortFree(port: number, service: string, variable: string): Promise<void> {
  if (!(await isPortFree(port))) throw new PortInUseError(port, service, variable);
}

/** A port the OS considers free right now; used by tests so they never collide with `npm run stack`. */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, loopback, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ port, host: loopback });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
