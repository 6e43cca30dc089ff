import {
  CreateTableCommand,
  DeleteTableCommand,
  type DynamoDBClient,
  type KeySchemaElement,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import {
  CreateAliasCommand,
  CreateKeyCommand,
  DeleteAliasCommand,
  type KMSClient,
  ScheduleKeyDeletionCommand,
} from '@aws-sdk/client-kms';
import {
  type BucketLocationConstraint,
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  type S3Client,
} from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  DeleteQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { TableDeclaration } from '#shared/config/wiring';

/**
 * One creator per resource kind. Each registers how to delete what it made
 * as soon as it exists, so a half-finished provisioning can be rolled back
 * and a finished one torn down by the same list.
 */
export type Undo = (step: () => Promise<unknown>) => void;

const TABLE_READY_SECONDS = 300;
/** AWS's shortest waiting period before a KMS key is gone. */
const KEY_DELETION_DAYS = 7;
/** Guard on pagination while emptying a bucket; a test bucket holds far less. */
const MAX_LIST_PAGES = 1_000;

function alreadyExists(kind: string, name: string): Error {
  return new Error(
    `${kind} ${name} already exists; choose another prefix or delete it (teardown) first`,
  );
}

function keySchema(partitionKey: string, sortKey?: string): KeySchemaElement[] {
  const schema: KeySchemaElement[] = [{ AttributeName: partitionKey, KeyType: 'HASH' }];
  if (sortKey !== undefined) schema.push({ AttributeName: sortKey, KeyType: 'RANGE' });
  return schema;
}

/** An on-demand table with the declared keys and GSIs (all keys are strings). */
export async function createTable(
  client: DynamoDBClient,
  name: string,
  table: TableDeclaration,
  undo: Undo,
): Promise<void> {
  const keyNames = new Set([table.partitionKey, table.sortKey]);
  for (const index of table.indexes) keyNames.add(index.partitionKey).add(index.sortKey);
  keyNames.delete(undefined);
  try {
    await client.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [...keyNames].map((key) => ({
          AttributeName: key as string,
          AttributeType: 'S',
        })),
        KeySchema: keySchema(table.partitionKey, table.sortKey),
        GlobalSecondaryIndexes:
          table.indexes.length === 0
            ? undefined
            : table.indexes.map((index) => ({
                IndexName: index.name,
                KeySchema: keySchema(index.partitionKey, index.sortKey),
                Projection: { ProjectionType: 'ALL' },
              })),
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ResourceInUseException') throw alreadyExists('table', name);
    throw error;
  }
  undo(() => client.send(new DeleteTableCommand({ TableName: name })));
  await waitUntilTableExists({ client, maxWaitTime: TABLE_READY_SECONDS }, { TableName: name });
  if (table.timeToLiveAttribute) await enableTimeToLive(client, name, table.timeToLiveAttribute);
}

/**
 * Turns on expiry where the endpoint offers it. dynalite does not implement
 * UpdateTimeToLive: there, expired items simply stay, which only costs
 * memory for the life of the local run.
 */
async function enableTimeToLive(client: DynamoDBClient, name: string, attribute: string) {
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (error) {
    const code = (error as Error).name;
    if (code !== 'UnknownOperationException' && code !== 'UnrecognizedClientException') throw error;
  }
}

async function queueExists(client: SQSClient, name: string): Promise<boolean> {
  try {
    await client.send(new GetQueueUrlCommand({ QueueName: name }));
    return true;
  } catch (error) {
    const code = (error as Error).name;
    if (code === 'QueueDoesNotExist' || code === 'AWS.SimpleQueueService.NonExistentQueue') {
      return false;
    }
    throw error;
  }
}

/**
 * A standard queue; refuses a name in use because CreateQueue would
 * silently hand back an existing queue whose attributes match.
 */
export async function createQueue(
  client: SQSClient,
  name: string,
  attributes: Record<string, string>,
  undo: Undo,
): Promise<{ url: string; arn: string }> {
  if (await queueExists(client, name)) throw alreadyExists('queue', name);
  const created = await client.send(
    new CreateQueueCommand({ QueueName: name, Attributes: attributes }),
  );
  const url = created.QueueUrl as string;
  undo(() => client.send(new DeleteQueueCommand({ QueueUrl: url })));
  const described = await client.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }),
  );
  return { url, arn: described.Attributes?.QueueArn as string };
}

async function bucketExists(client: S3Client, name: string): Promise<boolean> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: name }));
    return true;
  } catch (error) {
    if ((error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 404) {
      return false;
    }
    throw error;
  }
}

async function emptyBucket(client: S3Client, name: string): Promise<void> {
  for (let page = 0; page < MAX_LIST_PAGES; page++) {
    const listed = await client.send(new ListObjectsV2Command({ Bucket: name }));
    const keys = (listed.Contents ?? []).flatMap((o) => (o.Key ? [{ Key: o.Key }] : []));
    if (keys.length === 0) return;
    await client.send(new DeleteObjectsCommand({ Bucket: name, Delete: { Objects: keys } }));
  }
  throw new Error(`bucket ${name} still not empty after ${MAX_LIST_PAGES} pages`);
}

/** The payload bucket; teardown empties it first since S3 deletes only empty buckets. */
export async function createBucket(
  client: S3Client,
  name: string,
  region: string | undefined,
  undo: Undo,
): Promise<void> {
  if (await bucketExists(client, name)) throw alreadyExists('bucket', name);
  // Outside us-east-1, S3 wants the region named again in the request body.
  const location =
    region && region !== 'us-east-1'
      ? { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }
      : {};
  await client.send(new CreateBucketCommand({ Bucket: name, ...location }));
  undo(async () => {
    await emptyBucket(client, name);
    await client.send(new DeleteBucketCommand({ Bucket: name }));
  });
}

/** An ECC_NIST_P256 signing key with an alias naming its prefix. */
export async function createSigningKey(
  client: KMSClient,
  alias: string,
  description: string,
  undo: Undo,
): Promise<{ keyId: string; arn: string }> {
  const created = await client.send(
    new CreateKeyCommand({
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      Description: description,
    }),
  );
  const keyId = created.KeyMetadata?.KeyId as string;
  undo(() =>
    client.send(
      new ScheduleKeyDeletionCommand({ KeyId: keyId, PendingWindowInDays: KEY_DELETION_DAYS }),
    ),
  );
  try {
    await client.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
  } catch (error) {
    if ((error as Error).name === 'AlreadyExistsException') throw alreadyExists('alias', alias);
    throw error;
  }
  undo(() => client.send(new DeleteAliasCommand({ AliasName: alias })));
  return { keyId, arn: created.KeyMetadata?.Arn as string };
}
