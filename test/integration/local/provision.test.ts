import {
  DescribeTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  PutItemCommand,
} from '@aws-sdk/client-dynamodb';
import {
  DescribeKeyCommand,
  KMSClient,
  ListAliasesCommand,
  SignCommand,
  VerifyCommand,
} from '@aws-sdk/client-kms';
import { HeadBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListQueuesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  ENV,
  FUNCTIONS,
  QUEUES,
  type QueueName,
  TABLES,
  type TableDeclaration,
  type TableName,
  VISIBILITY_TIMEOUT_FACTOR,
} from '#shared/config/wiring';
import { clientSettings, s3ClientSettings } from '../../../local/awsClients';
import { type ProvisionedAxis, provisionAxis } from '../../../local/provision';
import { uniquePrefix } from '../../support/testAxis';

const dynamo = new DynamoDBClient(clientSettings('DYNAMODB'));
const sqs = new SQSClient(clientSettings('SQS'));
const s3 = new S3Client(s3ClientSettings());
const kms = new KMSClient(clientSettings('KMS'));

async function failureName(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return (error as Error).name;
  }
}

async function queueAttributes(url: string): Promise<Record<string, string>> {
  const out = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }),
  );
  return out.Attributes ?? {};
}

afterAll(() => {
  for (const client of [dynamo, sqs, s3, kms]) client.destroy();
});

describe('provisionAxis', () => {
  let axis: ProvisionedAxis;

  beforeAll(async () => {
    axis = await provisionAxis({ prefix: uniquePrefix('provision') });
  });

  afterAll(async () => {
    await axis?.teardown();
  });

  test('creates every table of the wiring with its keys and indexes, on demand', async () => {
    for (const name of Object.keys(TABLES) as TableName[]) {
      const declared: TableDeclaration = TABLES[name];
      const { Table } = await dynamo.send(
        new DescribeTableCommand({ TableName: axis.tables[name] }),
      );
      expect(Table?.TableStatus).toBe('ACTIVE');
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const key = Object.fromEntries(
        (Table?.KeySchema ?? []).map((k) => [k.KeyType, k.AttributeName]),
      );
      expect(key).toEqual(
        declared.sortKey === undefined
          ? { HASH: declared.partitionKey }
          : { HASH: declared.partitionKey, RANGE: declared.sortKey },
      );
      const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
        name: index.IndexName,
        keys: Object.fromEntries((index.KeySchema ?? []).map((k) => [k.KeyType, k.AttributeName])),
        projection: index.Projection?.ProjectionType,
      }));
      expect(indexes).toEqual(
        declared.indexes.map((index) => ({
          name: index.name,
          keys: { HASH: index.partitionKey, RANGE: index.sortKey },
          projection: 'ALL',
        })),
      );
    }
  });

  test('creates every queue with a dead-letter queue, redrive policy and visibility', async () => {
    for (const name of Object.keys(QUEUES) as QueueName[]) {
      const declared = QUEUES[name];
      const queue = axis.queues[name];
      const attributes = await queueAttributes(queue.url);
      const consumerTimeout = FUNCTIONS[declared.consumer].timeoutSeconds;
      expect(Number(attributes.VisibilityTimeout)).toBe(
        VISIBILITY_TIMEOUT_FACTOR * consumerTimeout,
      );
      expect(queue.visibilityTimeoutSeconds).toBe(Number(attributes.VisibilityTimeout));
      expect(attributes.QueueArn).toBe(queue.arn);
      expect(JSON.parse(attributes.RedrivePolicy as string)).toEqual({
        deadLetterTargetArn: queue.dlqArn,
        maxReceiveCount: declared.maxReceiveCount,
      });
      const dlq = await queueAttributes(queue.dlqUrl);
      expect(dlq.QueueArn).toBe(queue.dlqArn);
      expect(Number(dlq.MessageRetentionPeriod)).toBe(declared.dlqRetentionDays * 86_400);
    }
  });

  test('creates the payload bucket and an ECC P-256 signing key that signs', async () => {
    await s3.send(new HeadBucketCommand({ Bucket: axis.bucket }));
    await s3.send(new PutObjectCommand({ Bucket: axis.bucket, Key: 'left/behind', Body: 'x' }));
    const { KeyMetadata } = await kms.send(
      new DescribeKeyCommand({ KeyId: axis.signingKey.keyId }),
    );
    expect(KeyMetadata?.KeySpec).toBe('ECC_NIST_P256');
    expect(KeyMetadata?.KeyUsage).toBe('SIGN_VERIFY');
    const message = new TextEncoder().encode('edXML bytes');
    const { Signature } = await kms.send(
      new SignCommand({
        KeyId: axis.signingKey.keyId,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    const verified = await kms.send(
      new VerifyCommand({
        KeyId: axis.signingKey.alias,
        Message: message,
        MessageType: 'RAW',
        Signature,
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    expect(verified.SignatureValid).toBe(true);
  });

  test('returns the settings of every resource under the wiring env names', () => {
    const expected: Record<string, string> = {
      [ENV.payloadBucket]: axis.bucket,
      [ENV.signingKeyId]: axis.signingKey.keyId,
    };
    for (const name of Object.keys(TABLES) as TableName[]) {
      expected[TABLES[name].env] = axis.tables[name];
    }
    for (const name of Object.keys(QUEUES) as QueueName[]) {
      expected[QUEUES[name].env] = axis.queues[name].url;
      expected[QUEUES[name].deadLetterEnv] = axis.queues[name].dlqUrl;
    }
    expect(axis.env).toEqual(expected);
    const { [ENV.signingKeyId]: _keyId, ...named } = axis.env;
    for (const value of Object.values(named)) expect(value).toContain(axis.prefix);
  });

  test('refuses a prefix in use and leaves the existing resources alone', async () => {
    const before = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: `lienthong-${axis.prefix}` }),
    );
    await expect(provisionAxis({ prefix: axis.prefix })).rejects.toThrow(/already exists/);
    const after = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: `lienthong-${axis.prefix}` }),
    );
    expect(after.QueueUrls?.sort()).toEqual(before.QueueUrls?.sort());
    await dynamo.send(
      new PutItemCommand({
        TableName: axis.tables.agencies,
        Item: { agencyId: { S: 'still-there' } },
      }),
    );
    await s3.send(new HeadBucketCommand({ Bucket: axis.bucket }));
  });

  test('refuses prefixes that would make an invalid name somewhere', async () => {
    for (const prefix of ['', 'UPPER', 'under_score', '-dash', 'dash-', 'x'.repeat(41)]) {
      await expect(provisionAxis({ prefix })).rejects.toThrow(/invalid prefix/);
    }
    await expect(
      provisionAxis({ prefix: uniquePrefix('bad-timeout'), visibilityTimeoutSeconds: 1.5 }),
    ).rejects.toThrow(/visibility timeout/);
  });
});

describe('teardown', () => {
  test('removes everything provisioning created', async () => {
    const axis = await provisionAxis({
      prefix: uniquePrefix('teardown'),
      visibilityTimeoutSeconds: 2,
    });
    expect(axis.queues.verify.visibilityTimeoutSeconds).toBe(2);
    await s3.send(new PutObjectCommand({ Bucket: axis.bucket, Key: 'a/b', Body: 'payload' }));
    await axis.teardown();

    const { TableNames = [] } = await dynamo.send(new ListTablesCommand({}));
    expect(TableNames.filter((name) => name.includes(axis.prefix))).toEqual([]);
    for (const queue of Object.values(axis.queues)) {
      for (const name of [queue.name, queue.dlqName]) {
        expect(await failureName(sqs.send(new GetQueueUrlCommand({ QueueName: name })))).toMatch(
          /QueueDoesNotExist|NonExistentQueue/,
        );
      }
    }
    expect(await failureName(s3.send(new HeadBucketCommand({ Bucket: axis.bucket })))).toBe(
      'NotFound',
    );
    const { KeyMetadata } = await kms.send(
      new DescribeKeyCommand({ KeyId: axis.signingKey.keyId }),
    );
    expect(KeyMetadata?.KeyState).toBe('PendingDeletion');
    const { Aliases = [] } = await kms.send(new ListAliasesCommand({}));
    expect(Aliases.map((a) => a.AliasName)).not.toContain(axis.signingKey.alias);
    await axis.teardown();
  });
});
