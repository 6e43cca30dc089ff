import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { DEFAULT_REGION } from './awsClients';

export interface LocalContextOptions {
  readonly functionName: string;
  /** The function's configured timeout; drives getRemainingTimeInMillis. */
  readonly timeoutSeconds: number;
  readonly memoryMb?: number;
  readonly region?: string;
  /** Moto's and fauxqs's default account, so ARNs look alike everywhere locally. */
  readonly accountId?: string;
}

const LOCAL_ACCOUNT = '000000000000';

function logStreamName(now: Date): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '/');
  return `${day}/[$LATEST]${randomBytes(16).toString('hex')}`;
}

function deprecatedCallbackStyle(): never {
  throw new Error('context.done/succeed/fail are not supported locally: return or throw');
}

/**
 * The Lambda context of one local invocation: a fresh request id, names
 * shaped like Lambda's, and a deadline counted from now so handlers that
 * budget their work (timeouts of outgoing calls) behave as deployed.
 * https://docs.aws.amazon.com/lambda/latest/dg/nodejs-context.html
 */
export function createLambdaContext(options: LocalContextOptions): Context {
  const now = new Date();
  const deadline = now.getTime() + options.timeoutSeconds * 1_000;
  const region = options.region ?? process.env.AWS_REGION ?? DEFAULT_REGION;
  const account = options.accountId ?? LOCAL_ACCOUNT;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: options.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${options.functionName}`,
    memoryLimitInMB: String(options.memoryMb ?? 128),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${options.functionName}`,
    logStreamName: logStreamName(now),
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: deprecatedCallbackStyle,
    fail: deprecatedCallbackStyle,
    succeed: deprecatedCallbackStyle,
  };
}

/** A handler as the Node.js runtime calls it, async style only. */
export type LambdaHandler<E, R> = (event: E, context: Context) => Promise<R> | R;

/**
 * Runs a handler under its timeout. Lambda would freeze the process at the
 * deadline; locally the handler keeps running in the background but its
 * outcome is discarded, and the caller sees the same error Lambda reports.
 */
export async function invokeWithTimeout<E, R>(
  handler: LambdaHandler<E, R>,
  event: E,
  context: Context,
  timeoutSeconds: number,
): Promise<R> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`Task timed out after ${timeoutSeconds.toFixed(2)} seconds`)),
      timeoutSeconds * 1_000,
    );
  });
  try {
    return await Promise.race([Promise.resolve().then(() => handler(event, context)), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
