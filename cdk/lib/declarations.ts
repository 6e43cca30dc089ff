import type {
  Access,
  FunctionDeclaration,
  FunctionName,
  QueueDeclaration,
  QueueName,
  TableDeclaration,
  TableName,
} from '#shared/config/wiring';
import { FUNCTIONS, QUEUES, TABLES } from '#shared/config/wiring';

/*
 * Typed views of the wiring declaration. `Object.entries` widens keys to
 * `string`, which would force a cast at every place the stack walks the
 * declaration; the casts live here, once, where the key types are known.
 */

/** Every declared table with its name, in declaration order. */
export function tableEntries(): [TableName, TableDeclaration][] {
  return Object.entries(TABLES) as [TableName, TableDeclaration][];
}

/** Every declared queue with its name, in declaration order. */
export function queueEntries(): [QueueName, QueueDeclaration][] {
  return Object.entries(QUEUES) as [QueueName, QueueDeclaration][];
}

/** Every declared function with its name, in declaration order. */
export function functionEntries(): [FunctionName, FunctionDeclaration][] {
  return Object.entries(FUNCTIONS) as [FunctionName, FunctionDeclaration][];
}

/** The tables a function touches and how; absent tables are not listed. */
export function tableAccessOf(fn: FunctionDeclaration): [TableName, Access][] {
  return (Object.entries(fn.tables) as [TableName, Access | undefined][]).filter(
    (entry): entry is [TableName, Access] => entry[1] !== undefined,
  );
}

/**
 * Construct id for a wiring key (`statusCallback` → `StatusCallback`), so
 * logical ids read like the rest of the template.
 */
export function constructIdOf(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** One HTTP route of a function, split from its `METHOD /path` form. */
export interface RouteSpec {
  readonly method: string;
  readonly path: string;
}

/**
 * Splits a wiring route. A malformed route fails synthesis here, with the
 * route in the message, instead of surfacing as an opaque API Gateway error
 * at deploy time.
 */
export function parseRoute(route: string): RouteSpec {
  const match = /^([A-Z]+) (\/\S*)$/.exec(route);
  if (!match) {
    throw new Error(`Route "${route}" is not of the form "METHOD /path"`);
  }
  return { method: match[1], path: match[2] };
}
