import type { CommandContext } from './context';

/** Runs a command's body and records the exit code it asks for. */
export type CommandBody<A extends unknown[]> = (...args: A) => Promise<number>;

/** A command's action: its body's exit code becomes the process's. */
export function act<A extends unknown[]>(ctx: CommandContext, body: CommandBody<A>): (...args: A) => Promise<void> {
  return async (...args: A) => {
    ctx.exitCode = await body(...args);
  };
}
