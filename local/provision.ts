import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import {
  ENV,
  FUNCTIONS,
  QUEUES,
  type QueueName,
  TABLES,
  type TableName,
  VISIBILITY_TIMEOUT_FACTOR,
} from '#shared/config/wiring';
import { clientSettings, type EnvMap, s3ClientSettings } from './awsClients';
import {
  createBucket,
  createQueue,
  createSigningKey,
  createTable,
  type Undo,
} from './provisionResources';
import { resourceNames } from './resourceNames';

export interface ProvisionOptions {
  /** Embedded in every name: `lienthong-<prefix>-...`. */
  readonly prefix: string;
  /**
   * Visibility timeout of every work queue. Defaults to Lambda's advice,
   * VISIBILITY_TIMEOUT_FACTOR times the consumer's timeout; tests and demos
   * pass a few seconds so failed messages come back quickly.
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Settings over `process.env`, e.g. the endpoints of emulators just started. */
  readonly env?: EnvMap;
}

export interface ProvisionedQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly dlqName: string;
  readonly dlqUrl: string;
  readonly dlqArn: string;
  readonly visibilityTimeoutSeconds: number;
  readonly maxReceiveCount: number;
}

export interface ProvisionedAxis {
  readonly prefix: string;
  /** Resource settings keyed by ENV names, ready for `process.env`. */
  readonly env: Record<string, string>;
  readonly tables: Record<TableName, string>;
  readonly bucket: string;
  readonly queues: Record<QueueName, ProvisionedQueue>;
  readonly signingKey: { readonly keyId: string; readonly arn: string; readonly alias: string };
  /** Deletes everything provisioning created; the KMS key is scheduled for deletion. */
  teardown(): Promise<void>;
}

/** SQS accepts 0 to 12 hours. */
const MAX_VISIBILITY_TIMEOUT = 43_200;

function visibilityTimeout(queue: QueueName, override: number | undefined): number {
  const seconds =
    override ?? VISIBILITY_TIMEOUT_FACTOR * FUNCTIONS[QUEUES[queue].consumer].timeoutSeconds;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_TIMEOUT) {
    throw new Error(`visibility timeout must be 0-${MAX_VISIBILITY_TIMEOUT} s, got ${seconds}`);
  }
  return seconds;
}

/** Waits for all, then fails with the first failure, if any. */
async function allSettledOrThrow<T>(promises: Promise<T>[]): Promise<T[]> {
  const results = await Promise.allSettled(promises);
  const failure = results.find((result) => result.status === 'rejected');
  if (failure) throw failure.reason;
  return results.map((result) => (result as PromiseFulfilledResult<T>).value);
}

/** Runs registered deletions newest first; keeps going past failures and reports them all. */
async function unwind(steps: Array<() => Promise<unknown>>): Promise<void> {
  const errors: unknown[] = [];
  for (const step of steps.splice(0).reverse()) {
    await step().catch((error: unknown) => errors.push(error));
  }
  if (errors.length > 0) throw new AggregateError(errors, 'teardown left resources behind');
}

/**
 * Creates, from the wiring, every table, every queue with its dead-letter
 * queue and redrive policy, the payload bucket and the signing key, all
 * named after `prefix`. Works the same against embedded emulators,
 * LocalStack or a real account. A name already in use fails the whole call
 * and whatever this call had created is deleted again.
 */
export async function provisionAxis(options: ProvisionOptions): Promise<ProvisionedAxis> {
  const names = resourceNames(options.prefix);
  const queueTimeouts = Object.fromEntries(
    Object.keys(QUEUES).map((q) => [
      q,
      visibilityTimeout(q as QueueName, options.visibilityTimeoutSeconds),
    ]),
  ) as Record<QueueName, number>;
  const env: EnvMap = { ...process.env, ...options.env };
  const dynamo = new DynamoDBClient(clientSettings('DYNAMODB', env));
  const sqs = new SQSClient(clientSettings('SQS', env));
  const s3 = new S3Client(s3ClientSettings(env));
  const kms = new KMSClient(clientSettings('KMS', env));
  const destroyClients = () => {
    for (const client of [dynamo, sqs, s3, kms]) client.destroy();
  };
  const steps: Array<() => Promise<unknown>> = [];
  const undo: Undo = (step) => steps.push(step);

  const provisionQueue = async (queue: QueueName): Promise<ProvisionedQueue> => {
    const declared = QUEUES[queue];
    const { queue: name, dlq: dlqName } = names.queues[queue];
    const dlq = await createQueue(
      sqs,
      dlqName,
      { MessageRetentionPeriod: String(declared.dlqRetentionDays * 86_400) },
      undo,
    );
    const redrivePolicy = {
      deadLetterTargetArn: dlq.arn,
      maxReceiveCount: declared.maxReceiveCount,
    };
    const main = await createQueue(
      sqs,
      name,
      {
        VisibilityTimeout: String(queueTimeouts[queue]),
        RedrivePolicy: JSON.stringify(redrivePolicy),
      },
      undo,
    );
    return {
      name,
      url: main.url,
      arn: main.arn,
      dlqName,
      dlqUrl: dlq.url,
      dlqArn: dlq.arn,
      visibilityTimeoutSeconds: queueTimeouts[queue],
      maxReceiveCount: declared.maxReceiveCount,
    };
  };

  const tableNames = Object.keys(TABLES) as TableName[];
  const queueNames = Object.keys(QUEUES) as QueueName[];
  let queueList: ProvisionedQueue[];
  let key: { keyId: string; arn: string };
  try {
    const region = await sqs.config.region();
    const work = [
      allSettledOrThrow(
        tableNames.map((t) => createTable(dynamo, names.tables[t], TABLES[t], undo)),
      ),
      allSettledOrThrow(queueNames.map(provisionQueue)),
      createBucket(s3, names.bucket, region, undo),
      createSigningKey(kms, names.signingKeyAlias, `lienthong ${options.prefix} signing key`, undo),
    ] as const;
    // Let every creation finish, so that none registers its deletion after a rollback.
    await Promise.allSettled(work);
    [, queueList, , key] = await Promise.all(work);
  } catch (error) {
    await unwind(steps).catch(() => {});
    destroyClients();
    throw error;
  }

  const queues = Object.fromEntries(queueNames.map((q, i) => [q, queueList[i]])) as Record<
    QueueName,
    ProvisionedQueue
  >;
  const axisEnv: Record<string, string> = {
    [ENV.payloadBucket]: names.bucket,
    [ENV.signingKeyId]: key.keyId,
  };
  for (const t of tableNames) axisEnv[TABLES[t].env] = names.tables[t];
  for (const q of queueNames) {
    axisEnv[QUEUES[q].env] = queues[q].url;
    axisEnv[QUEUES[q].deadLetterEnv] = queues[q].dlqUrl;
  }

  let tornDown: Promise<void> | undefined;
  return {
    prefix: options.prefix,
    env: axisEnv,
    tables: names.tables,
    bucket: names.bucket,
    queues,
    signingKey: { ...key, alias: names.signingKeyAlias },
    teardown: () => {
      tornDown ??= unwind(steps).finally(destroyClients);
      return tornDown;
    },
  };
}
