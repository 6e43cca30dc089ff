import type { StackProps } from 'aws-cdk-lib';
import { CfnOutput, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';
import { Api } from './Api';
import { queueEntries, tableEntries } from './declarations';
import { Functions } from './Functions';
import { Monitoring } from './Monitoring';
import { acknowledgeNagFindings } from './nagAcknowledgements';
import { Queues } from './Queues';
import { Storage } from './Storage';

/**
 * The whole document exchange axis in one stack, driven by
 * `shared/config/wiring.ts`: tables, queues, functions, routes and
 * permissions all come from that declaration, so adding to it needs no
 * change here.
 *
 * The parts are exposed so the infrastructure tests can find each
 * resource's logical id without guessing at CDK's naming.
 */
export class LienthongStack extends Stack {
  readonly storage: Storage;
  readonly signingKey: Key;
  readonly queues: Queues;
  readonly functions: Functions;
  readonly api: Api;
  readonly monitoring: Monitoring;
  /** This axis's system id and HMAC key at the national axis, which issues them. */
  readonly nationalCredentials: Secret;

  constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    this.storage = new Storage(this, 'Storage');
    // The axis signs what it relays with this key; its private half never
    // leaves KMS, and losing it would orphan every signature already given.
    this.signingKey = new Key(this, 'SigningKey', {
      description: 'Lienthong axis signing key (ECDSA P-256)',
      keySpec: KeySpec.ECC_NIST_P256,
      keyUsage: KeyUsage.SIGN_VERIFY,
      alias: 'alias/lienthong-signing',
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.queues = new Queues(this, 'Queues');
    // Created empty of real values: the operator puts the system id and key
    // the national axis issued (`aws secretsmanager put-secret-value`), so
    // they never pass through code, templates or the CDK context.
    this.nationalCredentials = new Secret(this, 'NationalAxisCredentials', {
      description: 'lienthong: system id and HMAC-SHA256 key issued by the national axis',
      secretObjectValue: {},
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const nationalAxisUrl = contextString(this, 'lienthong:nationalAxisUrl');
    if (nationalAxisUrl !== undefined && !nationalAxisUrl.startsWith('https://')) {
      throw new Error('lienthong:nationalAxisUrl must be an https:// URL');
    }
    this.functions = new Functions(this, 'Functions', {
      tables: this.storage.tables,
      payloadBucket: this.storage.payloadBucket,
      queues: this.queues.queues,
      deadLetterQueues: this.queues.deadLetterQueues,
      signingKey: this.signingKey,
      retiredSigningKeyArns: retiredSigningKeyArns(this),
      national: { url: nationalAxisUrl, credentials: this.nationalCredentials },
    });
    this.api = new Api(this, 'Api', { functions: this.functions.functions });
    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: this.functions.functions,
      queues: this.queues.queues,
      deadLetterQueues: this.queues.deadLetterQueues,
      httpApi: this.api.httpApi,
      alarmEmail: contextString(this, 'lienthong:alarmEmail'),
      nationalLinked: nationalAxisUrl !== undefined,
    });
    acknowledgeNagFindings(this);

    this.addOutputs();
  }

  private addOutputs(): void {
    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'SigningKeyArn', { value: this.signingKey.keyArn });
    new CfnOutput(this, 'NationalAxisCredentialsSecretArn', {
      value: this.nationalCredentials.secretArn,
    });
    new CfnOutput(this, 'PayloadBucketName', { value: this.storage.payloadBucket.bucketName });
    // Operators subscribe pagers or chat to the topic; the dashboard is where alarms lead.
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn });
    new CfnOutput(this, 'DashboardName', { value: this.monitoring.dashboard.dashboardName });
    for (const [name, declaration] of tableEntries()) {
      new CfnOutput(this, `${declaration.id}TableName`, {
        value: this.storage.tables[name].tableName,
      });
    }
    for (const [name, declaration] of queueEntries()) {
      new CfnOutput(this, `${declaration.id}Name`, {
        value: this.queues.queues[name].queueName,
      });
      new CfnOutput(this, `${declaration.id}DlqName`, {
        value: this.queues.deadLetterQueues[name].queueName,
      });
    }
  }
}

/**
 * ARNs of signing keys the axis no longer signs with but still publishes,
 * from the context key `lienthong:retiredSigningKeyArns` (a JSON array or a
 * comma-separated list), e.g. `cdk deploy -c lienthong:retiredSigningKeyArns=arn:…`.
 */
function retiredSigningKeyArns(scope: Construct): string[] {
  const value: unknown = scope.node.tryGetContext('lienthong:retiredSigningKeyArns');
  if (value === undefined || value === '') return [];
  const list = Array.isArray(value) ? value : String(value).split(',');
  return list.map((arn) => String(arn).trim()).filter((arn) => arn !== '');
}

/** A context value given as a non-empty string, e.g. `-c lienthong:alarmEmail=ops@example.vn`. */
function contextString(scope: Construct, key: string): string | undefined {
  const value: unknown = scope.node.tryGetContext(key);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
