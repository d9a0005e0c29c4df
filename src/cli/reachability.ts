import net from 'node:net';
import { CliError, exitCodes } from './exitCodes';

/** host:port, [v6]:port or a bare host (Temporal's port 7233 then). */
export function splitAddress(address: string): { host: string; port: number } {
  const bracketed = /^\[(.+)\](?::(\d+))?$/.exec(address);
  if (bracketed) return { host: bracketed[1], port: Number(bracketed[2] ?? 7233) };
  const colon = address.lastIndexOf(':');
  if (colon > 0 && /^\d+$/.test(address.slice(colon + 1))) return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
  return { host: address, port: 7233 };
}

/**
 * Fails fast when nothing listens at the Temporal address: gRPC would keep
 * retrying for its whole connect timeout before saying anything.
 */
export async function assertTemporalReachable(address: string, timeoutInMs = 5_000): Promise<void> {
  const { host, port } = splitAddress(address);
  await new Promise<void>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const fail = (why: string) => {
      socket.destroy();
      reject(
        new CliError(
          `cannot reach the Temporal server at ${address} (${why}; set TEMPORAL_ADDRESS). 'remote-batch stack' starts a local one.`,
          exitCodes.unavailable,
        ),
      );
    };
    socket.setTimeout(timeoutInMs, () => fail('no answer'));
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
  });
}
