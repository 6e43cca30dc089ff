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
