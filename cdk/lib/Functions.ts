import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Rule, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { Grant, IGrantable } from 'aws-cdk-lib/aws-iam';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, LoggingFormat, Runtime } from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type {
  Access,
  EnvName,
  FunctionDeclaration,
  FunctionName,
  QueueName,
  TableName,
} from '#shared/config/wiring';
import { ENV, FUNCTIONS, QUEUES, SETTING_DEFAULTS, TABLES } from '#shared/config/wiring';
import {
  constructIdOf,
  functionEntries,
  queueEntries,
  tableAccessOf,
  tableEntries,
} from './declarations';

/** Wiring entries are relative to the repository root, two levels above this file. */
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Bundles are ES modules, but some dependencies are CommonJS and call
 * `require`, which ES modules lack. The alias keeps the banner's import from
 * clashing with a `createRequire` import that esbuild may emit itself.
 */
const REQUIRE_BANNER = [
  "import { createRequire as lienthongCreateRequire } from 'node:module';",
  'const require = lienthongCreateRequire(import.meta.url);',
].join(' ');

const BUNDLING: BundlingOptions = {
  // Docker would pull an image over the network; esbuild is installed locally.
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  // Prefer packages' ES module builds, which esbuild can tree-shake.
  mainFields: ['module', 'main'],
  banner: REQUIRE_BANNER,
  // The SDK version tested against the emulators is the one that ships,
  // rather than whichever version the Lambda runtime carries that day.
  bundleAwsSDK: true,
  minify: true,
  sourceMap: true,
};

const TABLE_GRANTS: Record<Access, (table: ITable, grantee: IGrantable) => Grant> = {
  read: (table, grantee) => table.grantReadData(grantee),
  write: (table, grantee) => table.grantWriteData(grantee),
  readWrite: (table, grantee) => table.grantReadWriteData(grantee),
};

/** 'write' is put only: a function that stores payloads never reads or deletes them. */
const BUCKET_GRANTS: Record<Access, (bucket: IBucket, grantee: IGrantable) => Grant> = {
  read: (bucket, grantee) => bucket.grantRead(grantee),
  write: (bucket, grantee) => bucket.grantPut(grantee),
  readWrite: (bucket, grantee) => bucket.grantReadWrite(grantee),
};

const SIGNING_KEY_ACTIONS = { sign: 'kms:Sign', getPublicKey: 'kms:GetPublicKey' } as const;

/** The resources functions are wired to, as built by the rest of the stack. */
export interface FunctionsProps {
  readonly tables: Record<TableName, ITable>;
  readonly payloadBucket: IBucket;
  readonly queues: Record<QueueName, IQueue>;
  readonly deadLetterQueues: Record<QueueName, IQueue>;
  readonly signingKey: IKey;
  /** Retired signing keys, still published so that what they signed stays verifiable. */
  readonly retiredSigningKeyArns: readonly string[];
  /**
   * The national axis link: its base URL (undefined when this axis is not
   * linked) and the secret holding this axis's system id and HMAC key.
   */
  readonly national: { readonly url: string | undefined; readonly credentials: ISecret };
}

/**
 * One Lambda function per wiring function, with exactly the environment and
 * permissions its wiring entry declares, and an SQS event source on each
 * queue the wiring names it the consumer of.
 *
 * Permissions come only from the wiring, so what a function may touch can be
 * reviewed in one file and checked by the infrastructure tests.
 */
export class Functions extends Construct {
  /** Functions by their wiring name. */
  readonly functions: Record<FunctionName, NodejsFunction>;

  constructor(scope: Construct, id: string, props: FunctionsProps) {
    super(scope, id);

    const functions: Partial<Record<FunctionName, NodejsFunction>> = {};
    for (const [name, declaration] of functionEntries()) {
      const fn = this.createFunction(name, declaration, props);
      grantDeclaredAccess(fn, declaration, props);
      functions[name] = fn;
      if (declaration.scheduleMinutes !== undefined) {
        this.schedule(name, fn, declaration.scheduleMinutes, props);
      }
    }
    this.functions = functions as Record<FunctionName, NodejsFunction>;

    for (const [name, queue] of queueEntries()) {
      this.functions[queue.consumer].addEventSource(
        new SqsEventSource(props.queues[name], {
          batchSize: queue.batchSize,
          maxConcurrency: queue.maxConcurrency,
          // One bad message must not send its whole batch back to the queue.
          reportBatchItemFailures: true,
        }),
      );
    }
  }

  /**
   * An EventBridge rule that runs the function every `minutes`. The national
   * axis poll is only scheduled when the stack is linked to a national axis:
   * otherwise it would wake up every minute to do nothing.
   */
  private schedule(
    name: FunctionName,
    fn: NodejsFunction,
    minutes: number,
    props: FunctionsProps,
  ): void {
    const declaration = FUNCTIONS[name] as FunctionDeclaration;
    if (declaration.national && props.national.url === undefined) return;
    new Rule(this, `${constructIdOf(name)}Schedule`, {
      description: `Runs lienthong ${name} every ${minutes} minute(s)`,
      schedule: Schedule.rate(Duration.minutes(minutes)),
      targets: [new LambdaFunction(fn, { retryAttempts: 0 })],
    });
  }

  private createFunction(
    name: FunctionName,
    declaration: FunctionDeclaration,
    props: FunctionsProps,
  ): NodejsFunction {
    const id = constructIdOf(name);
    // An explicit log group gets a retention period and stays with the stack;
    // the one Lambda creates on first invocation would keep logs forever.
    const logGroup = new LogGroup(this, `${id}Logs`, {
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    return new NodejsFunction(this, id, {
      entry: join(REPO_ROOT, declaration.entry),
      handler: 'handler',
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      timeout: Duration.seconds(declaration.timeoutSeconds),
      memorySize: declaration.memoryMb,
      loggingFormat: LoggingFormat.JSON,
      logGroup,
      environment: environmentOf(declaration, props),
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: BUNDLING,
    });
  }
}

/**
 * The environment a function finds its resources and settings through.
 * A name set twice or a setting without a default is a wiring mistake, and
 * fails synthesis rather than shipping a function that reads the wrong value.
 */
function environmentOf(
  declaration: FunctionDeclaration,
  props: FunctionsProps,
): Record<string, string> {
  const environment: Record<string, string> = {};
  const set = (name: string, value: string): void => {
    if (name in environment) {
      throw new Error(`Environment variable ${name} is wired twice`);
    }
    environment[name] = value;
  };

  set('NODE_OPTIONS', '--enable-source-maps');
  for (const [table] of tableAccessOf(declaration)) {
    set(TABLES[table].env, props.tables[table].tableName);
  }
  if (declaration.bucket) {
    set(ENV.payloadBucket, props.payloadBucket.bucketName);
  }
  for (const queue of declaration.sendsTo) {
    set(QUEUES[queue].env, props.queues[queue].queueUrl);
  }
  if (declaration.signingKey.length > 0) {
    set(ENV.signingKeyId, props.signingKey.keyArn);
  }
  if (declaration.health) {
    setHealthEnvironment(environment, props);
  }
  if (declaration.queueDepths) {
    setQueueEnvironment(environment, props);
  }
  const settings = new Set<EnvName>(declaration.settings);
  if (declaration.national) {
    settings.add(ENV.nationalAxisUrl);
    set(ENV.nationalCredentialsSecret, props.national.credentials.secretArn);
  }
  for (const setting of settings) {
    const value =
      setting === ENV.retiredKeyIds
        ? props.retiredSigningKeyArns.join(',')
        : setting === ENV.nationalAxisUrl
          ? (props.national.url ?? '')
          : SETTING_DEFAULTS[setting];
    if (value === undefined) {
      throw new Error(`Setting ${setting} has no entry in SETTING_DEFAULTS`);
    }
    set(setting, value);
  }
  return environment;
}

/** Grants exactly the access the wiring declares, each scoped to its resource. */
function grantDeclaredAccess(
  fn: NodejsFunction,
  declaration: FunctionDeclaration,
  props: FunctionsProps,
): void {
  for (const [table, access] of tableAccessOf(declaration)) {
    TABLE_GRANTS[access](props.tables[table], fn);
  }
  if (declaration.bucket) {
    BUCKET_GRANTS[declaration.bucket](props.payloadBucket, fn);
  }
  for (const queue of declaration.sendsTo) {
    props.queues[queue].grantSendMessages(fn);
  }
  for (const operation of declaration.signingKey) {
    props.signingKey.grant(fn, SIGNING_KEY_ACTIONS[operation]);
  }
  if (declaration.health) {
    grantHealthChecks(fn, props);
  }
  if (declaration.queueDepths) {
    grantQueueAttributes(fn, props);
  }
  if (declaration.national) {
    // The secret only: its key is the account's default Secrets Manager key.
    props.national.credentials.grantRead(fn);
  }
  if (declaration.signingKey.includes('getPublicKey') && props.retiredSigningKeyArns.length > 0) {
    fn.addToRolePolicy(
      new PolicyStatement({
        actions: [SIGNING_KEY_ACTIONS.getPublicKey],
        resources: [...props.retiredSigningKeyArns],
      }),
    );
  }
}

/**
 * The health check's environment: the name of every table and queue, the
 * bucket and the signing key. Names the wiring already set are kept, so a
 * health function that also reads data keeps one source for each.
 */
function setHealthEnvironment(environment: Record<string, string>, props: FunctionsProps): void {
  for (const [table, declaration] of tableEntries()) {
    environment[declaration.env] ??= props.tables[table].tableName;
  }
  setQueueEnvironment(environment, props);
  environment[ENV.payloadBucket] ??= props.payloadBucket.bucketName;
  environment[ENV.signingKeyId] ??= props.signingKey.keyArn;
}

/**
 * Describe-level access for the health check, each on its own resource:
 * enough to learn that a resource exists and answers, never to read its data.
 * HeadBucket is authorised by s3:ListBucket.
 */
function grantHealthChecks(fn: NodejsFunction, props: FunctionsProps): void {
  for (const [table] of tableEntries()) {
    props.tables[table].grant(fn, 'dynamodb:DescribeTable');
  }
  grantQueueAttributes(fn, props);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['s3:ListBucket'],
      resources: [props.payloadBucket.bucketArn],
    }),
  );
  props.signingKey.grant(fn, 'kms:DescribeKey');
}

/** Every queue's URL and its dead-letter queue's, keeping names already set. */
function setQueueEnvironment(environment: Record<string, string>, props: FunctionsProps): void {
  for (const [queue, declaration] of queueEntries()) {
    environment[declaration.env] ??= props.queues[queue].queueUrl;
    environment[declaration.deadLetterEnv] ??= props.deadLetterQueues[queue].queueUrl;
  }
}

/** GetQueueAttributes on every queue and dead-letter queue: counts, never messages. */
function grantQueueAttributes(fn: NodejsFunction, props: FunctionsProps): void {
  for (const [queue] of queueEntries()) {
    props.queues[queue].grant(fn, 'sqs:GetQueueAttributes');
    props.deadLetterQueues[queue].grant(fn, 'sqs:GetQueueAttributes');
  }
}
