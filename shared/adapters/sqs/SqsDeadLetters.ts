import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type Message,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';

let shared: SQSClient | undefined;

/** A message resting in a dead-letter queue, as an operator sees it. */
export interface DeadLetter {
  readonly messageId: string;
  readonly body: string;
  /** How many times the source queue's consumer received it before it landed here. */
  readonly receiveCount: number;
  readonly sentAt?: string;
}

/** How long a listed message stays hidden while the listing is collected. */
const LIST_HIDE_SECONDS = 30;

/**
 * Operator access to a queue's dead letters: listing them, and moving them
 * back to their source queue once the cause is fixed. Moving sends first and
 * deletes after, so a crash in between duplicates a message rather than
 * losing it (the consumers are idempotent).
 */
export class SqsDeadLetters {
  private readonly client: SQSClient;

  constructor(client?: SQSClient) {
    // The endpoint comes from the SDK settings, never from a queue URL's host.
    shared ??= new SQSClient({ useQueueUrlAsEndpoint: false });
    this.client = client ?? shared;
  }

  /** The dead-letter queue named by the source queue's redrive policy. */
  async deadLetterUrlOf(sourceUrl: string): Promise<string> {
    const answer = await this.client.send(
      new GetQueueAttributesCommand({ QueueUrl: sourceUrl, AttributeNames: ['RedrivePolicy'] }),
    );
    const policy = answer.Attributes?.RedrivePolicy;
    if (!policy) throw new Error(`the queue ${sourceUrl} has no dead-letter queue`);
    const arn = String(
      (JSON.parse(policy) as { deadLetterTargetArn?: string }).deadLetterTargetArn,
    );
    const name = arn.split(':').pop() ?? '';
    const found = await this.client.send(new GetQueueUrlCommand({ QueueName: name }));
    if (!found.QueueUrl) throw new Error(`no queue named ${name}`);
    return found.QueueUrl;
  }

  /**
   * Up to `max` dead letters. They are hidden while being collected (so none
   * is counted twice) and made visible again at the end.
   */
  async list(dlqUrl: string, max = 100): Promise<DeadLetter[]> {
    const seen = new Map<string, Message>();
    for (let round = 0; round < Math.ceil(max / 10) && seen.size < max; round++) {
      const batch = await this.receive(dlqUrl, LIST_HIDE_SECONDS);
      if (batch.length === 0) break;
      for (const message of batch) seen.set(message.MessageId ?? '', message);
    }
    const messages = [...seen.values()];
    for (let start = 0; start < messages.length; start += 10) {
      await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: dlqUrl,
          Entries: messages.slice(start, start + 10).map((message, index) => ({
            Id: String(index),
            ReceiptHandle: message.ReceiptHandle ?? '',
            VisibilityTimeout: 0,
          })),
        }),
      );
    }
    return messages.slice(0, max).map(deadLetterOf);
  }

  /** Moves up to `max` dead letters back to the source queue; returns how many moved. */
  async redrive(dlqUrl: string, sourceUrl: string, max = 1000): Promise<number> {
    let moved = 0;
    for (let round = 0; round < Math.ceil(max / 10) && moved < max; round++) {
      const batch = (await this.receive(dlqUrl, LIST_HIDE_SECONDS)).slice(0, max - moved);
      if (batch.length === 0) break;
      const sent = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: sourceUrl,
          Entries: batch.map((message, index) => ({
            Id: String(index),
            MessageBody: message.Body ?? '',
          })),
        }),
      );
      const delivered = (sent.Successful ?? []).map((entry) => batch[Number(entry.Id)]);
      if (delivered.length > 0) {
        await this.client.send(
          new DeleteMessageBatchCommand({
            QueueUrl: dlqUrl,
            Entries: delivered.map((message, index) => ({
              Id: String(index),
              ReceiptHandle: message?.ReceiptHandle ?? '',
            })),
          }),
        );
      }
      moved += delivered.length;
      if (sent.Failed && sent.Failed.length > 0) {
        const codes = sent.Failed.map((entry) => entry.Code).join(', ');
        throw new Error(`moved ${moved}; SQS refused ${sent.Failed.length}: ${codes}`);
      }
    }
    return moved;
  }

  private async receive(queueUrl: string, visibilityTimeout: number): Promise<Message[]> {
    const answer = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        VisibilityTimeout: visibilityTimeout,
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'SentTimestamp'],
      }),
    );
    return answer.Messages ?? [];
  }
}

function deadLetterOf(message: Message): DeadLetter {
  const sent = message.Attributes?.SentTimestamp;
  return {
    messageId: message.MessageId ?? '',
    body: message.Body ?? '',
    receiveCount: Number(message.Attributes?.ApproximateReceiveCount ?? 0),
    ...(sent ? { sentAt: new Date(Number(sent)).toISOString() } : {}),
  };
}
