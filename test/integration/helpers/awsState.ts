import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type Message,
  ReceiveMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { clientSettings, s3ClientSettings } from '../../../local/awsClients';

/** Pages read before a listing is declared runaway; test resources hold a handful. */
const MAX_PAGES = 100;

export interface QueueCounts {
  readonly visible: number;
  readonly inFlight: number;
  readonly delayed: number;
}

export type Item = Record<string, unknown>;

/**
 * Looks at what the axis left in its resources, through the AWS SDK only, so
 * the same checks hold on the embedded emulators, LocalStack or an account.
 * Clients are built from process.env when constructed.
 */
export class AwsState {
  private readonly dynamoClient = new DynamoDBClient(clientSettings('DYNAMODB'));
  private readonly dynamo = DynamoDBDocumentClient.from(this.dynamoClient);
  private readonly s3 = new S3Client(s3ClientSettings());
  readonly sqs = new SQSClient(clientSettings('SQS'));

  /** Every key in the bucket, across pages. */
  async objectKeys(bucket: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const listed = await this.s3.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
      );
      for (const object of listed.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = listed.NextContinuationToken;
      if (!listed.IsTruncated || !token) return keys.sort();
    }
    throw new Error(`bucket ${bucket} lists more than ${MAX_PAGES} pages`);
  }

  async objectBytes(bucket: string, key: string): Promise<Buffer> {
    const { Body } = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    if (!Body) throw new Error(`object ${key} has no body`);
    return Buffer.from(await Body.transformToByteArray());
  }

  /** Overwrites an object behind the axis's back, as a corrupted store would. */
  async putObject(bucket: string, key: string, bytes: Uint8Array): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes }));
  }

  /** Every item of the table (consistent reads), across pages. */
  async items(table: string): Promise<Item[]> {
    const items: Item[] = [];
    let start: Item | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const scanned = await this.dynamo.send(
        new ScanCommand({ TableName: table, ConsistentRead: true, ExclusiveStartKey: start }),
      );
      items.push(...((scanned.Items ?? []) as Item[]));
      start = scanned.LastEvaluatedKey;
      if (!start) return items;
    }
    throw new Error(`table ${table} scans to more than ${MAX_PAGES} pages`);
  }

  /** `pk|sk` of every item of a table with those keys, sorted: a comparable snapshot. */
  async itemKeys(table: string, keys: readonly [string, string] = ['pk', 'sk']) {
    const items = await this.items(table);
    return items.map((item) => `${String(item[keys[0]])}|${String(item[keys[1]])}`).sort();
  }

  async queueCounts(queueUrl: string): Promise<QueueCounts> {
    const { Attributes = {} } = await this.sqs.send(
      new GetQueueAttributesCommand({
        QueueUrl: queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    return {
      visible: Number(Attributes.ApproximateNumberOfMessages ?? Number.NaN),
      inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? Number.NaN),
      delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? Number.NaN),
    };
  }

  /**
   * Receives until `expected` messages have arrived or `timeoutMs` has passed,
   * then returns what came (possibly more or fewer). Messages stay in the
   * queue, invisible, until `remove` is called with them.
   */
  async receive(queueUrl: string, expected: number, timeoutMs = 10_000): Promise<Message[]> {
    const deadline = Date.now() + timeoutMs;
    const received = new Map<string, Message>();
    while (received.size < expected && Date.now() < deadline) {
      const { Messages = [] } = await this.sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageSystemAttributeNames: ['All'],
        }),
      );
      for (const message of Messages) received.set(message.MessageId as string, message);
    }
    return [...received.values()];
  }

  /** One long poll of at most `waitSeconds`; what it returns stays invisible. */
  async receiveOnce(queueUrl: string, waitSeconds = 1): Promise<Message[]> {
    const { Messages = [] } = await this.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: waitSeconds,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    return Messages;
  }

  async remove(queueUrl: string, messages: readonly Message[]): Promise<void> {
    for (let start = 0; start < messages.length; start += 10) {
      const chunk = messages.slice(start, start + 10);
      const result = await this.sqs.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
        }),
      );
      if ((result.Failed ?? []).length > 0) {
        throw new Error(`could not delete messages: ${JSON.stringify(result.Failed)}`);
      }
    }
  }

  destroy(): void {
    this.dynamoClient.destroy();
    this.s3.destroy();
    this.sqs.destroy();
  }
}

/** True when the queue holds nothing at all: waiting, in flight or delayed. */
export function isEmpty(counts: QueueCounts): boolean {
  return counts.visible === 0 && counts.inFlight === 0 && counts.delayed === 0;
}
