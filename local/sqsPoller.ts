import { setTimeout as sleep } from 'node:timers/promises';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { clientSettings } from './awsClients';
import { createLambdaContext, invokeWithTimeout, type LambdaHandler } from './lambdaContext';
import { failedMessageIds, toSqsRecord, WHOLE_BATCH } from './sqsEvent';

export interface SqsPollerOptions {
  readonly queueUrl: string;
  /** Looked up from the queue when absent. */
  readonly queueArn?: string;
  /** Records per event; SQS hands out at most 10 per receive. */
  readonly batchSize: number;
  /** Batches handled at once, as Lambda scales an event source mapping (default 1). */
  readonly concurrency?: number;
  readonly handler: LambdaHandler<SQSEvent, unknown>;
  readonly functionName: string;
  readonly timeoutSeconds: number;
  readonly memoryMb?: number;
  /** Long-poll wait per receive; short so stop() is quick. */
  readonly waitTimeSeconds?: number;
  /** Defaults to a client configured from process.env. */
  readonly client?: SQSClient;
  /** The handler threw, timed out or answered malformed: the whole batch failed. */
  readonly onBatchError?: (error: unknown, event: SQSEvent) => void;
  /** Receiving or deleting failed; the poller backs off and goes on. */
  readonly onPollError?: (error: unknown) => void;
}

export interface SqsPoller {
  /** Stops receiving, then waits for the batch in flight (handler and deletes). */
  stop(): Promise<void>;
}

const SQS_MAX_BATCH = 10;
const BACKOFF_MIN_MS = 200;
const BACKOFF_MAX_MS = 5_000;
/** A receive that returns empty sooner than this is followed by a pause. */
const EMPTY_POLL_MIN_MS = 250;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** When GetQueueAttributes is not allowed: SQS URLs end in /<account>/<name>. */
function arnFromUrl(queueUrl: string, region: string): string {
  const [account = '000000000000', name = ''] = new URL(queueUrl).pathname.split('/').slice(-2);
  return `arn:aws:sqs:${region}:${account}:${name}`;
}

/**
 * Polls one queue and feeds its handler as Lambda's SQS event source
 * mapping does with ReportBatchItemFailures on: records not listed in
 * `batchItemFailures` are deleted; if the handler throws or times out none
 * are. Failed messages are left alone to reappear after the queue's
 * visibility timeout and reach the dead-letter queue through its redrive
 * policy, exactly as deployed. `concurrency` loops poll side by side, as Lambda runs
 * several batches of one mapping at once.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */
export function startSqsPoller(options: SqsPollerOptions): SqsPoller {
  const ownClient = options.client === undefined;
  const client = options.client ?? new SQSClient(clientSettings('SQS'));
  const abort = new AbortController();
  const reportPollError =
    options.onPollError ??
    ((error: unknown) => console.error(`[local sqs] ${options.functionName}:`, error));
  const reportBatchError =
    options.onBatchError ??
    ((error: unknown) => console.error(`[local sqs] ${options.functionName} batch failed:`, error));
  const pause = (ms: number) => sleep(ms, undefined, { signal: abort.signal }).catch(() => {});

  async function queueArn(region: string): Promise<string> {
    if (options.queueArn) return options.queueArn;
    try {
      const described = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: options.queueUrl, AttributeNames: ['QueueArn'] }),
        { abortSignal: abort.signal },
      );
      return described.Attributes?.QueueArn ?? arnFromUrl(options.queueUrl, region);
    } catch {
      return arnFromUrl(options.queueUrl, region);
    }
  }

  async function deleteSucceeded(records: readonly SQSRecord[]): Promise<void> {
    for (const group of chunks(records, SQS_MAX_BATCH)) {
      try {
        const result = await client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: options.queueUrl,
            Entries: group.map((r, i) => ({ Id: String(i), ReceiptHandle: r.receiptHandle })),
          }),
        );
        if ((result.Failed ?? []).length > 0) {
          reportPollError(new Error(`delete failed: ${JSON.stringify(result.Failed)}`));
        }
      } catch (error) {
        reportPollError(error);
      }
    }
  }

  async function runBatch(messages: Message[], arn: string, region: string): Promise<void> {
    const event: SQSEvent = { Records: messages.map((m) => toSqsRecord(m, arn, region)) };
    const context = createLambdaContext({
      functionName: options.functionName,
      timeoutSeconds: options.timeoutSeconds,
      memoryMb: options.memoryMb,
      region,
    });
    let failed: ReadonlySet<string> | typeof WHOLE_BATCH;
    try {
      const response = await invokeWithTimeout(
        options.handler,
        event,
        context,
        options.timeoutSeconds,
      );
      failed = failedMessageIds(response, event.Records);
      if (failed === WHOLE_BATCH) {
        reportBatchError(new Error(`malformed batch response: ${JSON.stringify(response)}`), event);
      }
    } catch (error) {
      reportBatchError(error, event);
      failed = WHOLE_BATCH;
    }
    if (failed === WHOLE_BATCH) return;
    await deleteSucceeded(event.Records.filter((r) => !failed.has(r.messageId)));
  }

  async function loop(): Promise<void> {
    const region = await client.config.region();
    const arn = await queueArn(region);
    let backoff = BACKOFF_MIN_MS;
    while (!abort.signal.aborted) {
      const startedAt = Date.now();
      let messages: Message[];
      try {
        const received = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: options.queueUrl,
            MaxNumberOfMessages: Math.min(options.batchSize, SQS_MAX_BATCH),
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
          { abortSignal: abort.signal },
        );
        messages = received.Messages ?? [];
        backoff = BACKOFF_MIN_MS;
      } catch (error) {
        if (abort.signal.aborted) break;
        reportPollError(error);
        await pause(backoff);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
        continue;
      }
      if (messages.length > 0) {
        await runBatch(messages, arn, region);
      } else if (Date.now() - startedAt < EMPTY_POLL_MIN_MS) {
        await pause(EMPTY_POLL_MIN_MS);
      }
    }
  }

  const loops = Math.max(1, options.concurrency ?? 1);
  const running = Promise.all(Array.from({ length: loops }, () => loop().catch(reportPollError)));
  let stopped: Promise<void> | undefined;
  return {
    stop: () => {
      stopped ??= (async () => {
        abort.abort();
        await running;
        if (ownClient) client.destroy();
      })();
      return stopped;
    },
  };
}
