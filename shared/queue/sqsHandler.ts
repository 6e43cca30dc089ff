import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { logger } from '../observability/logger';
import { metricsMiddleware } from '../observability/metrics';
import { type Dependencies, dependencies } from '../runtime/dependencies';

export interface QueueItem<T> {
  readonly body: T;
  readonly record: SQSRecord;
  readonly deps: Dependencies;
  /** How many times SQS has handed out this message, this time included. */
  readonly receiveCount: number;
}

/** A queue message that is not what the step expects: it will end in the DLQ. */
export class MalformedQueueMessageError extends Error {
  constructor(messageId: string, reason: string) {
    super(`queue message ${messageId} is malformed: ${reason}`);
    this.name = 'MalformedQueueMessageError';
  }
}

/**
 * Wraps a per-message action as an SQS-triggered Lambda handler that reports
 * partial batch failures: only the messages that failed go back to the queue
 * (and, after the queue's maxReceiveCount, to its dead-letter queue).
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 *
 * @param parse checks a message body's shape; throwing marks it failed.
 */
export function sqsHandler<T>(
  parse: (value: unknown) => T | undefined,
  action: (item: QueueItem<T>) => Promise<void>,
) {
  const handleRecord = async (record: SQSRecord) => {
    const body = parse(safeJson(record.body));
    if (body === undefined) {
      throw new MalformedQueueMessageError(record.messageId, 'unexpected body');
    }
    const receiveCount = Number(record.attributes.ApproximateReceiveCount ?? '1');
    try {
      await action({ body, record, deps: dependencies(), receiveCount });
    } catch (error) {
      logger.warn('queue message failed', {
        messageId: record.messageId,
        receiveCount,
        error: error instanceof Error ? `${error.name}: ${error.message}` : 'unknown',
      });
      throw error;
    }
  };
  return middy<SQSEvent, SQSBatchResponse, Error, Context>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(metricsMiddleware())
    .handler(async (event, context) =>
      // A processor per invocation: it keeps the batch's results, and the
      // local runtime runs several batches of one handler at once.
      processPartialResponse(event, handleRecord, new BatchProcessor(EventType.SQS), { context }),
    );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** True when `value` is an object whose listed fields are all non-empty strings. */
export function hasStringFields<K extends string>(
  value: unknown,
  fields: readonly K[],
): value is Record<K, string> {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return fields.every((field) => typeof record[field] === 'string' && record[field] !== '');
}
