import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import type { Socket } from 'node:net';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freeLoopbackPort } from './freePort';

/** A moto server child process serving KMS on 127.0.0.1. */
export interface MotoServer {
  readonly endpoint: string;
  readonly pid: number;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
const STDERR_TAIL_CHARS = 2_000;

/** Children still running; killed if this process goes away first. */
const running = new Set<ChildProcess>();

function onPath(program: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, program);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * moto_server if installed as a script, else the module through python3.
 * Where util-linux's setpriv exists the child also gets a parent-death
 * signal, so even a SIGKILLed parent does not leave moto running.
 */
function command(port: number): { file: string; args: string[] } {
  const serverArgs = ['-H', '127.0.0.1', '-p', String(port)];
  const moto = onPath('moto_server');
  const base = moto ? [moto, ...serverArgs] : ['python3', '-m', 'moto.server', ...serverArgs];
  const setpriv = process.platform === 'linux' ? onPath('setpriv') : undefined;
  const full = setpriv ? [setpriv, '--pdeathsig', 'SIGINT', ...base] : base;
  return { file: full[0] as string, args: full.slice(1) };
}

function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL');
}

/**
 * A signal nobody else handles is about to end this process: stop the
 * children, then let the signal take its default course. When someone else
 * handles it, they own the shutdown (and `exit` still catches the rest).
 */
function onFatalSignal(signal: NodeJS.Signals): void {
  if (process.listenerCount(signal) > 1) return;
  for (const child of running) child.kill('SIGINT');
  removeGuards();
  process.kill(process.pid, signal);
}

const GUARDED_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

function installGuards(): void {
  if (running.size !== 1) return;
  process.on('exit', killAllNow);
  for (const signal of GUARDED_SIGNALS) process.on(signal, onFatalSignal);
}

function removeGuards(): void {
  process.off('exit', killAllNow);
  for (const signal of GUARDED_SIGNALS) process.off(signal, onFatalSignal);
}

class EarlyExit extends Error {}

async function waitUntilServing(endpoint: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasEnded(child)) {
      throw new EarlyExit(`moto exited early (${child.exitCode ?? child.signalCode})`);
    }
    try {
      await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`moto did not answer on ${endpoint} within ${READY_TIMEOUT_MS} ms`);
}

function hasEnded(child: ChildProcess): boolean {
  return child.pid === undefined || child.exitCode !== null || child.signalCode !== null;
}

function stopChild(child: ChildProcess): Promise<void> {
  if (hasEnded(child)) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    // moto (werkzeug) shuts down promptly on SIGINT but may sit on SIGTERM.
    child.kill('SIGINT');
  });
}

async function attempt(): Promise<MotoServer> {
  const port = await freeLoopbackPort();
  const endpoint = `http://127.0.0.1:${port}`;
  const { file, args } = command(port);
  // Its own process group: a Ctrl+C at the terminal reaches only the parent,
  // which stops moto after the work that still needs KMS has finished.
  const child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderrTail = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderrTail = (stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
  });
  (child.stderr as Socket | null)?.unref();
  child.unref();
  const spawned = new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', reject);
  });
  const forget = () => {
    running.delete(child);
    if (running.size === 0) removeGuards();
  };
  child.once('exit', forget);
  child.once('error', forget);
  running.add(child);
  installGuards();
  try {
    await spawned;
    await waitUntilServing(endpoint, child);
  } catch (error) {
    await stopChild(child);
    const detail = stderrTail.trim() === '' ? '' : `\n${stderrTail.trim()}`;
    (error as Error).message += detail;
    throw error;
  }
  return { endpoint, pid: child.pid as number, stop: () => stopChild(child) };
}

/**
 * Starts moto on a free loopback port and resolves once it answers HTTP.
 * The child is stopped with SIGINT by `stop()`, or killed when this process
 * exits or dies of a signal nobody else handles. A child that exits at once
 * (most likely the port was taken in between) is retried on another port.
 */
export async function startMotoServer(): Promise<MotoServer> {
  const attempts = 3;
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (error instanceof EarlyExit && i < attempts) continue;
      throw new Error(`cannot start moto for KMS: ${(error as Error).message}`, { cause: error });
    }
  }
}
