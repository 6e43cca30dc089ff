import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { QueueDepth, QueueDepths } from '../../domain/ports';

let client: SQSClient | undefined;

/** A work queue and its dead-letter queue, by URL. */
export interface WatchedQueue {
  /** The queue's name in the wiring, e.g. `route`. */
  readonly name: string;
  readonly url: string;
  readonly deadLetterUrl: string;
}

/**
 * Queue depths from GetQueueAttributes only: counts, never messages, so
 * looking never hides a message from its consumer or changes a receive
 * count. SQS's counts are approximate by nature. The age of the oldest
 * message is not among the queue's attributes (it is a CloudWatch metric),
 * so it is left out.
 */
export class SqsQueueDepths implements QueueDepths {
  constructor(private readonly queues: readonly WatchedQueue[]) {}

  async list(): Promise<QueueDepth[]> {
    return Promise.all(
      this.queues.map(async (queue) => {
        const [work, deadLetter] = await Promise.all([
          attributes(queue.url),
          attributes(queue.deadLetterUrl),
        ]);
        return {
          queue: queue.name,
          visible: count(work, 'ApproximateNumberOfMessages'),
          inFlight: count(work, 'ApproximateNumberOfMessagesNotVisible'),
          delayed: count(work, 'ApproximateNumberOfMessagesDelayed'),
          deadLetter: { visible: count(deadLetter, 'ApproximateNumberOfMessages') },
        };
      }),
    );
  }
}

async function attributes(queueUrl: string): Promise<Record<string, string>> {
  // As for sending: the endpoint comes from the SDK settings, not the URL's host.
  client ??= new SQSClient({ useQueueUrlAsEndpoint: false });
  const answer = await client.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return answer.Attributes ?? {};
}

function count(attributes: Record<string, string>, name: string): number {
  const value = Number(attributes[name] ?? 0);
  return Number.isFinite(value) ? value : 0;
}
