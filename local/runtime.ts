import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { APIGatewayProxyEventV2, ScheduledEvent, SQSEvent } from 'aws-lambda';
import {
  ENV,
  FUNCTIONS,
  type FunctionDeclaration,
  type FunctionName,
  QUEUES,
  type QueueName,
} from '#shared/config/wiring';
import { resetDependencies } from '#shared/runtime/dependencies';
import { type Emulators, startEmulators } from './emulators';
import { type HttpApi, type HttpRoute, startHttpApi } from './httpApi';
import type { LambdaHandler } from './lambdaContext';
import { type NationalLinkSettings, storeNationalCredentials } from './nationalCredentials';
import { applyToProcessEnv } from './processEnv';
import { type ProvisionedAxis, provisionAxis } from './provision';
import { type Scheduler, startScheduler } from './scheduler';
import { type SqsPoller, startSqsPoller } from './sqsPoller';

// biome-ignore lint/suspicious/noExplicitAny: each function takes its own event type.
type AnyHandler = LambdaHandler<any, unknown>;

export interface LocalAxisOptions {
  /** 0 or absent: any free port on 127.0.0.1. */
  readonly port?: number;
  /**
   * Resource name prefix, unique among axes sharing endpoints. Default:
   * "local" on emulators started here, else "local-" and random hex.
   */
  readonly prefix?: string;
  /** Short values make failed messages come back in seconds (demo, tests). */
  readonly visibilityTimeoutSeconds?: number;
  /** Emulators already running (tests); otherwise they are started and owned here. */
  readonly emulators?: Emulators;
  /** Handlers to use instead of importing the wiring's entries, by function name. */
  readonly handlers?: Partial<Record<FunctionName, AnyHandler>>;
  /** Handler and poller failures; by default they are written to stderr. */
  readonly onError?: (error: unknown, source: string) => void;
  /**
   * Links the axis to a national axis (locally, the simulator): its URL and
   * this axis's credentials there, stored in the emulated Secrets Manager.
   * Without it, functions that talk to the national axis do not run.
   */
  readonly national?: NationalLinkSettings;
  /**
   * Milliseconds between runs of scheduled functions, by name, instead of
   * their wiring's `scheduleMinutes` (the demo polls the national axis every
   * second, tests mostly call `runScheduled`).
   */
  readonly scheduleEveryMs?: Partial<Record<FunctionName, number>>;
}

export interface LocalAxis {
  /** Base URL of the HTTP API, `http://127.0.0.1:PORT`. */
  readonly url: string;
  /** Everything put into process.env: endpoints, region, resource names. */
  readonly env: Record<string, string>;
  readonly provisioned: ProvisionedAxis;
  readonly emulators: Emulators;
  /** Runs a scheduled function now, as its EventBridge rule would, and waits for it. */
  runScheduled(name: FunctionName): Promise<void>;
  /** Stops pollers and HTTP, removes the resources, restores process.env, stops owned emulators. */
  stop(): Promise<void>;
}

const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** `statusCallback` → `lienthong-<prefix>-status-callback`, as the deployed name would read. */
function deployedName(prefix: string, fn: FunctionName): string {
  return `lienthong-${prefix}-${fn.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

/** The entry module's `handler`, imported as Lambda's runtime would, once per function. */
async function importHandler(fn: FunctionName): Promise<AnyHandler> {
  const entry = FUNCTIONS[fn].entry;
  let module: { handler?: unknown };
  try {
    module = await import(pathToFileURL(resolve(REPO_ROOT, entry)).href);
  } catch (error) {
    throw new Error(`cannot load function ${fn} from ${entry}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (typeof module.handler !== 'function') {
    throw new Error(`${entry} does not export a function named handler`);
  }
  return module.handler as AnyHandler;
}

/**
 * Functions the local axis runs: those with routes, those consuming a queue
 * and those on a schedule; those that talk to the national axis only when
 * the axis is linked to one.
 */
function activeFunctions(linked: boolean): FunctionName[] {
  const consumers = new Set(Object.values(QUEUES).map((queue) => queue.consumer as FunctionName));
  return (Object.keys(FUNCTIONS) as FunctionName[]).filter((fn) => {
    const declaration: FunctionDeclaration = FUNCTIONS[fn];
    if (declaration.routes.length > 0 || consumers.has(fn)) return true;
    return declaration.scheduleMinutes !== undefined && (linked || !declaration.national);
  });
}

/**
 * Runs the whole axis on this machine from the wiring: emulators (unless
 * given or the environment names its own endpoints), every resource, the
 * HTTP API for every route and one SQS poller per queue for its consumer,
 * all calling the same handlers Lambda runs. Handlers read configuration
 * from process.env at use, so the resource names are put there first.
 */
export async function startLocalAxis(options: LocalAxisOptions = {}): Promise<LocalAxis> {
  const ownsEmulators = options.emulators === undefined;
  const emulators = options.emulators ?? (await startEmulators());
  // Fresh emulators of our own hold nothing else; shared endpoints (tests,
  // LocalStack, an account) may hold other axes, so the default must not clash.
  const prefix =
    options.prefix ??
    (ownsEmulators && emulators.embedded ? 'local' : `local-${randomBytes(4).toString('hex')}`);
  const cleanups: Array<() => Promise<void> | void> = [];
  if (ownsEmulators) cleanups.push(() => emulators.stop());
  const report =
    options.onError ?? ((error, source) => console.error(`[local axis] ${source}:`, error));
  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      const errors: unknown[] = [];
      for (const cleanup of cleanups.splice(0).reverse()) {
        await Promise.resolve()
          .then(cleanup)
          .catch((error: unknown) => errors.push(error));
      }
      if (errors.length > 0) throw new AggregateError(errors, 'local axis did not stop cleanly');
    })();
    return stopped;
  };

  try {
    cleanups.push(applyToProcessEnv(emulators.env));
    const provisioned = await provisionAxis({
      prefix,
      visibilityTimeoutSeconds: options.visibilityTimeoutSeconds,
      env: emulators.env,
    });
    // Owned embedded emulators vanish with their data; anything else is cleaned up.
    if (!(ownsEmulators && emulators.embedded)) cleanups.push(() => provisioned.teardown());
    cleanups.push(applyToProcessEnv(provisioned.env));
    const nationalEnv: Record<string, string> = {};
    if (options.national) {
      const stored = await storeNationalCredentials(
        `lienthong-${prefix}-national-axis`,
        options.national,
        emulators.env,
      );
      if (!(ownsEmulators && emulators.embedded)) cleanups.push(stored.remove);
      nationalEnv[ENV.nationalAxisUrl] = options.national.url;
      nationalEnv[ENV.nationalCredentialsSecret] = stored.arn;
      if (options.national.signaturePolicy) {
        nationalEnv[ENV.nationalSignaturePolicy] = options.national.signaturePolicy;
      }
      cleanups.push(applyToProcessEnv(nationalEnv));
    }
    // Handlers keep their adapters for the life of the process, as in Lambda;
    // a new axis in the same process must not reuse the last one's names.
    resetDependencies();
    cleanups.push(resetDependencies);

    const functions = activeFunctions(options.national !== undefined);
    const loaded = await Promise.all(
      functions.map(
        async (fn) => [fn, options.handlers?.[fn] ?? (await importHandler(fn))] as const,
      ),
    );
    const handlers = Object.fromEntries(loaded) as Record<FunctionName, AnyHandler>;

    const routes: HttpRoute[] = functions.flatMap((fn) =>
      FUNCTIONS[fn].routes.map((routeKey) => ({
        routeKey,
        handler: handlers[fn] as LambdaHandler<APIGatewayProxyEventV2, unknown>,
        functionName: deployedName(prefix, fn),
        timeoutSeconds: FUNCTIONS[fn].timeoutSeconds,
        memoryMb: FUNCTIONS[fn].memoryMb,
      })),
    );

    const pollers: SqsPoller[] = (Object.keys(QUEUES) as QueueName[]).map((queue) => {
      const fn = QUEUES[queue].consumer as FunctionName;
      return startSqsPoller({
        queueUrl: provisioned.queues[queue].url,
        queueArn: provisioned.queues[queue].arn,
        batchSize: QUEUES[queue].batchSize,
        concurrency: QUEUES[queue].maxConcurrency,
        handler: handlers[fn] as LambdaHandler<SQSEvent, unknown>,
        functionName: deployedName(prefix, fn),
        timeoutSeconds: FUNCTIONS[fn].timeoutSeconds,
        memoryMb: FUNCTIONS[fn].memoryMb,
        onBatchError: (error) => report(error, `${queue} queue batch`),
        onPollError: (error) => report(error, `${queue} queue poller`),
      });
    });
    cleanups.push(async () => {
      await Promise.all(pollers.map((poller) => poller.stop()));
    });
    const scheduler: Scheduler = startScheduler(
      functions.flatMap((fn) => {
        const minutes = (FUNCTIONS[fn] as FunctionDeclaration).scheduleMinutes;
        if (minutes === undefined) return [];
        return [
          {
            name: fn,
            functionName: deployedName(prefix, fn),
            handler: handlers[fn] as LambdaHandler<ScheduledEvent, unknown>,
            timeoutSeconds: FUNCTIONS[fn].timeoutSeconds,
            memoryMb: FUNCTIONS[fn].memoryMb,
            everyMs: options.scheduleEveryMs?.[fn] ?? minutes * 60_000,
          },
        ];
      }),
      (error, name) => report(error, `scheduled ${name}`),
    );
    cleanups.push(() => scheduler.stop());
    // Started last so it is closed first: no new work arrives while pollers drain.
    const http: HttpApi = await startHttpApi({
      port: options.port,
      routes,
      onHandlerError: (error, routeKey) => report(error, routeKey),
    });
    cleanups.push(() => http.close());

    return {
      url: http.url,
      env: { ...emulators.env, ...provisioned.env, ...nationalEnv },
      provisioned,
      emulators,
      runScheduled: (name) => scheduler.runNow(name),
      stop,
    };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}
