import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { WorkQueue } from '../../domain/ports';

let client: SQSClient | undefined;

/** SQS takes at most ten messages per batch call. */
const BATCH_LIMIT = 10;

/** A queue of JSON work items between two steps of the axis. */
export class SqsWorkQueue<T> implements WorkQueue<T> {
  constructor(private readonly queueUrl: string) {}

  async send(messages: readonly T[]): Promise<void> {
    // The endpoint comes from the SDK's settings, never from the queue URL's
    // host: emulators hand out URLs whose host names do not resolve.
    client ??= new SQSClient({ useQueueUrlAsEndpoint: false });
    for (let start = 0; start < messages.length; start += BATCH_LIMIT) {
      const chunk = messages.slice(start, start + BATCH_LIMIT);
      const result = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: chunk.map((message, index) => ({
            Id: String(index),
            MessageBody: JSON.stringify(message),
          })),
        }),
      );
      // A batch call succeeds even when some entries fail; those must not be lost.
      if (result.Failed && result.Failed.length > 0) {
        const codes = result.Failed.map((entry) => entry.Code).join(', ');
        throw new Error(
          `SQS refused ${result.Failed.length} of ${chunk.length} messages: ${codes}`,
        );
      }
    }
  }
}
