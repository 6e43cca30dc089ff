import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { QUEUES } from '#shared/config/wiring';
import { clientSettings } from '../../../local/awsClients';
import type { ProvisionedAxis, ProvisionedQueue } from '../../../local/provision';
import { type SqsPoller, startSqsPoller } from '../../../local/sqsPoller';
import { provisionTestAxis } from '../../support/testAxis';
import { waitFor } from '../../support/waitFor';

const VISIBILITY_SECONDS = 1;

let sqs: SQSClient;
let axis: ProvisionedAxis;
let queue: ProvisionedQueue;
let poller: SqsPoller | undefined;
/** Every record the fixture handler received, in order. */
let deliveries: SQSRecord[];
/** The bodies of each event, to tell one batch from several. */
let batches: string[][];
let batchErrors: unknown[];

beforeAll(() => {
  sqs = new SQSClient(clientSettings('SQS'));
});

afterAll(() => {
  sqs.destroy();
});

beforeEach(async () => {
  axis = await provisionTestAxis('poller', { visibilityTimeoutSeconds: VISIBILITY_SECONDS });
  queue = axis.queues.verify;
  deliveries = [];
  batches = [];
  batchErrors = [];
});

afterEach(async () => {
  await poller?.stop();
  poller = undefined;
  await axis.teardown();
});

function poll(handler: (event: SQSEvent) => Promise<SQSBatchResponse | undefined>, timeout = 5) {
  poller = startSqsPoller({
    queueUrl: queue.url,
    batchSize: QUEUES.verify.batchSize,
    functionName: 'fixture',
    timeoutSeconds: timeout,
    onBatchError: (error) => batchErrors.push(error),
    handler: async (event) => {
      deliveries.push(...event.Records);
      batches.push(event.Records.map((r) => r.body).sort());
      return handler(event);
    },
  });
}

async function sendBodies(...bodies: string[]): Promise<void> {
  await sqs.send(
    new SendMessageBatchCommand({
      QueueUrl: queue.url,
      Entries: bodies.map((body, i) => ({ Id: String(i), MessageBody: body })),
    }),
  );
}

async function messagesLeft(url: string): Promise<number> {
  const { Attributes = {} } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return (
    Number(Attributes.ApproximateNumberOfMessages) +
    Number(Attributes.ApproximateNumberOfMessagesNotVisible)
  );
}

const receivesOf = (body: string) =>
  deliveries.filter((r) => r.body === body).map((r) => r.attributes.ApproximateReceiveCount);

/** Long enough for anything not deleted to become visible and be received again. */
const pastVisibility = () => sleep(VISIBILITY_SECONDS * 1_000 + 1_200);

describe('SQS poller', () => {
  test('delivers Lambda-shaped records and deletes the messages that succeeded', async () => {
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.url,
        MessageBody: 'hello',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'document' },
          raw: { DataType: 'Binary', BinaryValue: Buffer.from([0, 255, 1]) },
        },
      }),
    );
    await sendBodies('two', 'three');
    poll(async () => undefined);
    await waitFor('three deliveries', () => deliveries.length >= 3);
    await pastVisibility();
    expect(deliveries.map((r) => r.body).sort()).toEqual(['hello', 'three', 'two']);
    expect(await messagesLeft(queue.url)).toBe(0);

    const hello = deliveries.find((r) => r.body === 'hello') as SQSRecord;
    expect(hello.eventSource).toBe('aws:sqs');
    expect(hello.eventSourceARN).toBe(queue.arn);
    expect(hello.awsRegion).toBe(process.env.AWS_REGION);
    expect(hello.md5OfBody).toBe(createHash('md5').update('hello').digest('hex'));
    expect(hello.attributes.ApproximateReceiveCount).toBe('1');
    for (const name of ['SentTimestamp', 'ApproximateFirstReceiveTimestamp'] as const) {
      expect(hello.attributes[name]).toMatch(/^\d{13}$/);
    }
    expect(hello.attributes.SenderId).not.toBe('');
    expect(hello.messageAttributes).toEqual({
      kind: {
        dataType: 'String',
        stringValue: 'document',
        stringListValues: [],
        binaryListValues: [],
      },
      raw: {
        dataType: 'Binary',
        binaryValue: Buffer.from([0, 255, 1]).toString('base64'),
        stringListValues: [],
        binaryListValues: [],
      },
    });
  });

  test('redelivers only the reported failure, with its receive count raised', async () => {
    await sendBodies('a', 'b', 'c');
    let failedOnce = false;
    poll(async (event) => {
      const b = event.Records.find((r) => r.body === 'b');
      if (b === undefined || failedOnce) return undefined;
      failedOnce = true;
      return { batchItemFailures: [{ itemIdentifier: b.messageId }] };
    });
    await waitFor('b delivered twice', () => receivesOf('b').length >= 2);
    await pastVisibility();
    expect(batches[0]).toEqual(['a', 'b', 'c']);
    expect(receivesOf('b')).toEqual(['1', '2']);
    expect(receivesOf('a')).toEqual(['1']);
    expect(receivesOf('c')).toEqual(['1']);
    expect(await messagesLeft(queue.url)).toBe(0);
  });

  test('a message that always fails goes to the DLQ after maxReceiveCount receives', async () => {
    await sendBodies('poison');
    poll(async (event) => ({
      batchItemFailures: event.Records.map((r) => ({ itemIdentifier: r.messageId })),
    }));
    const dead = await waitFor(
      'the message in the dead-letter queue',
      async () => {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queue.dlqUrl, WaitTimeSeconds: 0 }),
        );
        return Messages.length > 0 ? Messages : undefined;
      },
      (queue.maxReceiveCount + 3) * VISIBILITY_SECONDS * 1_000 + 5_000,
      250,
    );
    expect(dead.map((m) => m.Body)).toEqual(['poison']);
    const expected = Array.from({ length: queue.maxReceiveCount }, (_, i) => String(i + 1));
    expect(receivesOf('poison')).toEqual(expected);
    expect(await messagesLeft(queue.url)).toBe(0);
  });

  test('a handler that throws fails the whole batch', async () => {
    await sendBodies('x', 'y');
    poll(async (event) => {
      if (event.Records.some((r) => r.attributes.ApproximateReceiveCount === '1')) {
        throw new Error('downstream unavailable');
      }
      return undefined;
    });
    await waitFor(
      'x and y retried',
      () => receivesOf('x').length >= 2 && receivesOf('y').length >= 2,
    );
    await pastVisibility();
    expect(batches[0]).toEqual(['x', 'y']);
    expect(receivesOf('x')).toEqual(['1', '2']);
    expect(receivesOf('y')).toEqual(['1', '2']);
    expect(batchErrors.map((e) => (e as Error).message)).toContain('downstream unavailable');
    expect(await messagesLeft(queue.url)).toBe(0);
  });

  test('an unknown itemIdentifier or a timeout fails the whole batch', async () => {
    await sendBodies('p', 'q');
    let calls = 0;
    poller = startSqsPoller({
      queueUrl: queue.url,
      batchSize: 10,
      functionName: 'fixture',
      timeoutSeconds: 0.3,
      onBatchError: (error) => batchErrors.push(error),
      handler: async (event) => {
        deliveries.push(...event.Records);
        batches.push(event.Records.map((r) => r.body).sort());
        calls += 1;
        if (calls === 1) return { batchItemFailures: [{ itemIdentifier: 'no-such-message' }] };
        if (calls === 2) await sleep(1_000);
        return undefined;
      },
    });
    await waitFor('three rounds', () => calls >= 3 && receivesOf('p').length >= 3, 15_000);
    await pastVisibility();
    expect(batches.slice(0, 2)).toEqual([
      ['p', 'q'],
      ['p', 'q'],
    ]);
    expect(receivesOf('p')).toEqual(['1', '2', '3']);
    expect(receivesOf('q')).toEqual(['1', '2', '3']);
    expect(batchErrors.map((e) => (e as Error).message)).toEqual([
      expect.stringContaining('malformed batch response'),
      'Task timed out after 0.30 seconds',
    ]);
    expect(await messagesLeft(queue.url)).toBe(0);
  });

  test('stop() waits for the batch in flight and its deletes', async () => {
    await sendBodies('slow');
    let finished = false;
    poll(async () => {
      await sleep(500);
      finished = true;
      return undefined;
    });
    await waitFor('the slow delivery', () => deliveries.length === 1);
    await poller?.stop();
    expect(finished).toBe(true);
    expect(await messagesLeft(queue.url)).toBe(0);
  });
});
