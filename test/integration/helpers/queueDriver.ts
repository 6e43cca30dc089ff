import type { Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse } from 'aws-lambda';
import type { ProvisionedQueue } from '../../../local/provision';
import type { AwsState } from './awsState';
import { lambdaContext, type QueueHandler, sqsEvent } from './lambdaEvents';

/** Receives before a queue is taken to be drained; tests queue a few dozen at most. */
const MAX_RECEIVES = 20;

export interface BatchOutcome {
  readonly messages: readonly Message[];
  readonly response: SQSBatchResponse | undefined;
  /** What the handler threw, when the whole batch failed. */
  readonly error?: unknown;
}

/**
 * Takes everything waiting in the queue, so that a test controls how it is
 * batched: receives until the queue's attributes show nothing more waiting,
 * or, when it looked empty from the start, until a long poll confirms it.
 */
export async function collect(state: AwsState, queue: ProvisionedQueue): Promise<Message[]> {
  const all: Message[] = [];
  for (let i = 0; i < MAX_RECEIVES; i++) {
    if (all.length > 0) {
      const { visible, delayed } = await state.queueCounts(queue.url);
      if (visible + delayed === 0) return all;
    }
    const received = await state.receiveOnce(queue.url, 1);
    if (received.length === 0) return all;
    all.push(...received);
  }
  throw new Error(`queue ${queue.name} did not drain in ${MAX_RECEIVES} receives`);
}

/**
 * Hands the messages to the consumer in batches of at most ten, as one event
 * each, and deletes those the handler did not report as failed, as Lambda's
 * event source mapping does with ReportBatchItemFailures.
 */
export async function consume(
  state: AwsState,
  queue: ProvisionedQueue,
  handler: QueueHandler,
  messages: readonly Message[],
): Promise<BatchOutcome[]> {
  const outcomes: BatchOutcome[] = [];
  for (let start = 0; start < messages.length; start += 10) {
    const batch = messages.slice(start, start + 10);
    const event = sqsEvent(batch, queue.arn);
    let response: SQSBatchResponse | undefined;
    try {
      response = await handler(event, lambdaContext(`consumer-of-${queue.name}`));
    } catch (error) {
      outcomes.push({ messages: batch, response: undefined, error });
      continue;
    }
    const failed = new Set(response?.batchItemFailures?.map((f) => f.itemIdentifier) ?? []);
    await state.remove(
      queue.url,
      batch.filter((m) => !failed.has(m.MessageId as string)),
    );
    outcomes.push({ messages: batch, response });
  }
  return outcomes;
}

/** Collects whatever waits in the queue and consumes it: one step of the pipeline. */
export async function drain(state: AwsState, queue: ProvisionedQueue, handler: QueueHandler) {
  const messages = await collect(state, queue);
  const outcomes = await consume(state, queue, handler, messages);
  return { messages, outcomes };
}

/** The JSON bodies of messages, parsed. */
export function bodies<T>(messages: readonly Message[]): T[] {
  return messages.map((message) => JSON.parse(message.Body ?? 'null') as T);
}
