import { DynamoTableProbe } from '#shared/adapters/dynamodb/DynamoTableProbe';
import { KmsKeyProbe } from '#shared/adapters/kms/KmsKeyProbe';
import { S3BucketProbe } from '#shared/adapters/s3/S3BucketProbe';
import { SqsDeadLetterProbe, SqsQueueProbe } from '#shared/adapters/sqs/SqsQueueProbe';
import { readConfig } from '#shared/config/config';
import type { EnvName, QueueName, TableName } from '#shared/config/wiring';
import { ENV, QUEUES, TABLES } from '#shared/config/wiring';
import type { HealthProbe } from '#shared/observability/health';

type Env = Record<string, string | undefined>;

/**
 * One probe per table, queue and dead-letter queue in the wiring, plus the
 * bucket and the signing key, so a resource added to the wiring is checked without a change
 * here. The CDK stack gives the health function every one of these names.
 */
export function probesFromEnvironment(env: Env = process.env): HealthProbe[] {
  const tables = (Object.keys(TABLES) as TableName[]).map((name) =>
    configured(env, `table:${name}`, TABLES[name].env, (table) => {
      return new DynamoTableProbe(`table:${name}`, table);
    }),
  );
  const queues = (Object.keys(QUEUES) as QueueName[]).map((name) =>
    configured(env, `queue:${name}`, QUEUES[name].env, (url) => {
      return new SqsQueueProbe(`queue:${name}`, url);
    }),
  );
  // Failing while they hold messages: work the axis gave up on needs a person.
  const deadLetters = (Object.keys(QUEUES) as QueueName[]).map((name) =>
    configured(env, `dead-letters:${name}`, QUEUES[name].deadLetterEnv, (url) => {
      return new SqsDeadLetterProbe(`dead-letters:${name}`, url);
    }),
  );
  const bucket = configured(env, 'bucket:payloads', ENV.payloadBucket, (name) => {
    return new S3BucketProbe('bucket:payloads', name, {
      forcePathStyle: readConfig(env).s3ForcePathStyle,
    });
  });
  const key = configured(env, 'key:signing', ENV.signingKeyId, (keyId) => {
    return new KmsKeyProbe('key:signing', keyId);
  });
  return [...tables, ...queues, ...deadLetters, bucket, key];
}

/** A component without its name in the environment is reported failing, not skipped. */
function configured(
  env: Env,
  component: string,
  variable: EnvName,
  build: (value: string) => HealthProbe,
): HealthProbe {
  const value = env[variable];
  if (value) return build(value);
  return {
    component,
    check: async () => {
      throw new Error(`${variable} is not set`);
    },
  };
}
