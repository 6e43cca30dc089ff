import { QUEUES, type QueueName, TABLES, type TableName } from '#shared/config/wiring';

/** Names of every resource an axis gets for one prefix. */
export interface ResourceNames {
  readonly tables: Record<TableName, string>;
  readonly queues: Record<QueueName, { readonly queue: string; readonly dlq: string }>;
  readonly bucket: string;
  readonly signingKeyAlias: string;
}

/**
 * Lower-case letters, digits and inner hyphens, at most 40 characters: the
 * intersection of what DynamoDB, SQS, S3 and KMS accept once the prefix is
 * embedded, with S3's 63-character bucket limit the tightest.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 */
const PREFIX_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;

export function assertValidPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix)) {
    throw new Error(
      `invalid prefix "${prefix}": use 1-40 lower-case letters, digits and inner hyphens`,
    );
  }
}

/** `statusCallback` → `status-callback`, so every service accepts the name. */
function kebab(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/** `lienthong-<prefix>-<stem>` for each resource declared in the wiring. */
export function resourceNames(prefix: string): ResourceNames {
  assertValidPrefix(prefix);
  const stem = `lienthong-${prefix}`;
  const tables = Object.fromEntries(
    Object.keys(TABLES).map((name) => [name, `${stem}-${kebab(name)}`]),
  ) as Record<TableName, string>;
  const queues = Object.fromEntries(
    Object.keys(QUEUES).map((name) => {
      const queue = `${stem}-${kebab(name)}`;
      return [name, { queue, dlq: `${queue}-dlq` }];
    }),
  ) as ResourceNames['queues'];
  return { tables, queues, bucket: `${stem}-payload`, signingKeyAlias: `alias/${stem}-signing` };
}
