/**
 * Vitest global setup of the integration and end-to-end projects: starts
 * the AWS emulators once for the run (or none, when AWS endpoint settings
 * or LIENTHONG_EMULATORS=off say to use the environment's own) and puts
 * their settings into process.env. Test workers inherit it: vitest starts
 * them after global setup (checked with vitest 4). Test files then
 * provision their own resources under a unique prefix (`testAxis.ts`).
 */
import type { TestProject } from 'vitest/node';
import { type Emulators, startEmulators } from '../../local/emulators';
import { applyToProcessEnv } from '../../local/processEnv';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Whether this run embeds its own emulators (as opposed to LocalStack, an account). */
    embeddedEmulators: boolean;
  }
}

interface Shared {
  readonly emulators: Emulators;
  readonly restoreEnv: () => void;
  users: number;
}

/**
 * Each project loads this file anew but all run in one process: the
 * emulators are kept on globalThis so a run of several projects shares
 * one set, stopped when the last project is done with it.
 */
const KEY = Symbol.for('lienthong.test.emulators');
const registry = globalThis as { [KEY]?: Promise<Shared> };

async function acquire(): Promise<Shared> {
  registry[KEY] ??= startEmulators().then((emulators) => ({
    emulators,
    restoreEnv: applyToProcessEnv(emulators.env),
    users: 0,
  }));
  const shared = await registry[KEY];
  shared.users += 1;
  return shared;
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = await acquire();
  project.provide('embeddedEmulators', shared.emulators.embedded);
  return async () => {
    shared.users -= 1;
    if (shared.users > 0) return;
    delete registry[KEY];
    shared.restoreEnv();
    await shared.emulators.stop();
  };
}
