import type { Io } from '../../../cli/io';

/** An Io that records what a command writes, with the given environment. */
export function captureIo(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { env, out: (line) => out.push(line), err: (line) => err.push(line) };
  return { io, out, err, stdout: () => out.join('\n'), stderr: () => err.join('\n') };
}
