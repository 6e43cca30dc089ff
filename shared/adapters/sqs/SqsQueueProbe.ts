import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { HealthProbe } from '../../observability/health';

let client: SQSClient | undefined;

/** Health of one queue: it exists and answers for its attributes. */
export class SqsQueueProbe implements HealthProbe {
  constructor(
    readonly component: string,
    private readonly queueUrl: string,
  ) {}

  async check(): Promise<void> {
    // As for sending: the endpoint comes from the SDK settings, not the URL's host.
    client ??= new SQSClient({ useQueueUrlAsEndpoint: false });
    await client.send(
      new GetQueueAttributesCommand({ QueueUrl: this.queueUrl, AttributeNames: ['QueueArn'] }),
    );
  }
}

/**
 * Health of one dead-letter queue: it answers, and it is empty. A message
 * there is work the axis gave up on, so the check fails until an operator
 * has looked at it (`lienthong dlq list`, then `lienthong dlq redrive`).
 */
export class SqsDeadLetterProbe implements HealthProbe {
  constructor(
    readonly component: string,
    private readonly queueUrl: string,
  ) {}

  async check(): Promise<void> {
    client ??= new SQSClient({ useQueueUrlAsEndpoint: false });
    const { Attributes } = await client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: ['ApproximateNumberOfMessages'],
      }),
    );
    const waiting = Number(Attributes?.ApproximateNumberOfMessages ?? '0');
    if (waiting > 0) throw new Error(`${waiting} message(s) wait in the dead-letter queue`);
  }
}
