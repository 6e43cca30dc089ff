import { type ParseArgsConfig, parseArgs } from 'node:util';
import { AxisRequestError } from '#shared/client/AxisClient';
import { AxisError } from '#shared/domain/AxisError';

/**
 * Where a command writes and what it reads from its surroundings. Commands
 * take this instead of touching process.* so tests run them in-process.
 */
export interface Io {
  readonly env: Readonly<Record<string, string | undefined>>;
  out(line: string): void;
  err(line: string): void;
}

/** Exit codes every command follows. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** The command line was wrong: exit code 2 and the usage text. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command that ran but did not succeed (exit code 1), with a machine code. */
export class CommandFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'CommandFailure';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every command accepts. */
const COMMON: Options = { json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } };

/**
 * node:util parseArgs in strict mode, with `--json` and `--help` added;
 * unknown or malformed options become a UsageError.
 */
export function parseCommand(argv: readonly string[], options: Options) {
  try {
    const parsed = parseArgs({
      args: [...argv],
      options: { ...COMMON, ...options },
      allowPositionals: true,
      strict: true,
    });
    return {
      positionals: parsed.positionals,
      values: parsed.values as Record<string, string | boolean | undefined>,
      json: parsed.values.json === true,
    };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** A string option's value, or undefined. */
export function text(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Machine output is one JSON document on stdout; people get the lines. */
export function emit(io: Io, json: boolean, data: unknown, lines: () => string[]): void {
  if (json) io.out(JSON.stringify(data, null, 2));
  else for (const line of lines()) io.out(line);
}

/** The machine code of an error from the axis, the services or a command. */
export function errorCode(error: unknown): string {
  if (error instanceof AxisRequestError || error instanceof CommandFailure) return error.code;
  if (error instanceof AxisError) return error.code;
  const name = (error as { name?: unknown })?.name;
  return typeof name === 'string' && name !== 'Error' ? name : 'ERROR';
}

/**
 * What went wrong, for a person, without repeating the code printed beside
 * it: the axis's own message with its HTTP status, or the error's message
 * (a system error's `EEXIST: …` keeps its own code).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof AxisRequestError) return `${error.detail} (HTTP ${error.status})`;
  return (error as Error)?.message ?? String(error);
}

/**
 * Runs one command and turns what it throws into an exit code and one
 * message on stderr (or a JSON error on stdout with `--json`). Only the
 * error's code and message are printed: never keys nor document content.
 */
export async function guarded(
  io: Io,
  argv: readonly string[],
  usage: string,
  command: () => Promise<number>,
): Promise<number> {
  const json = argv.includes('--json');
  try {
    return await command();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`error: ${error.message}`);
      io.err(usage);
      return EXIT.usage;
    }
    const code = errorCode(error);
    const message = errorMessage(error);
    if (json) io.out(JSON.stringify({ ok: false, error: { code, message } }, null, 2));
    io.err(code === 'ERROR' ? `error: ${message}` : `error: ${code}: ${message}`);
    return EXIT.failure;
  }
}
