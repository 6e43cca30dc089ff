import { randomUUID } from 'node:crypto';
import type { ScheduledEvent } from 'aws-lambda';
import { DEFAULT_REGION } from './awsClients';
import { createLambdaContext, invokeWithTimeout, type LambdaHandler } from './lambdaContext';

export interface ScheduledFunction {
  readonly name: string;
  readonly functionName: string;
  readonly handler: LambdaHandler<ScheduledEvent, unknown>;
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /** Time between the end of one run and the start of the next. */
  readonly everyMs: number;
}

export interface Scheduler {
  /** Runs one function now (waiting for a run already under way), as an EventBridge rule would. */
  runNow(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** The event an EventBridge schedule rule hands its target. */
function scheduledEvent(ruleName: string): ScheduledEvent {
  const region = process.env.AWS_REGION ?? DEFAULT_REGION;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region,
    resources: [`arn:aws:events:${region}:000000000000:rule/${ruleName}`],
    detail: {},
  };
}

/**
 * Runs scheduled functions on timers, the way EventBridge rules run them
 * when deployed: one event per tick, never two runs of one function at once
 * (a slow run delays the next tick instead of overlapping it). A failed run
 * is reported and the schedule goes on, as the rule would fire again.
 */
export function startScheduler(
  functions: readonly ScheduledFunction[],
  onError: (error: unknown, name: string) => void,
): Scheduler {
  let stopped = false;
  const running = new Map<string, Promise<void>>();
  const timers = new Map<string, NodeJS.Timeout>();
  const byName = new Map(functions.map((fn) => [fn.name, fn]));

  const run = (fn: ScheduledFunction): Promise<void> => {
    const current = running.get(fn.name);
    if (current) return current;
    const context = createLambdaContext({
      functionName: fn.functionName,
      timeoutSeconds: fn.timeoutSeconds,
      memoryMb: fn.memoryMb,
    });
    const done = invokeWithTimeout(
      fn.handler,
      scheduledEvent(fn.functionName),
      context,
      fn.timeoutSeconds,
    )
      .then(() => undefined)
      .catch((error: unknown) => onError(error, fn.name))
      .finally(() => running.delete(fn.name));
    running.set(fn.name, done);
    return done;
  };

  const arm = (fn: ScheduledFunction): void => {
    if (stopped) return;
    const timer = setTimeout(() => {
      void run(fn).then(() => arm(fn));
    }, fn.everyMs);
    timer.unref();
    timers.set(fn.name, timer);
  };
  for (const fn of functions) arm(fn);

  return {
    runNow: async (name) => {
      const fn = byName.get(name);
      if (!fn) throw new Error(`no scheduled function ${name} runs on this local axis`);
      // A run under way may have read its input before the caller's change.
      await running.get(name);
      await run(fn);
    },
    stop: async () => {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      await Promise.all(running.values());
    },
  };
}
