import type { CfnElement } from 'aws-cdk-lib';
import { Stack, Validations } from 'aws-cdk-lib';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IConstruct } from 'constructs';
import type { Api } from './Api';
import type { Functions } from './Functions';
import type { Storage } from './Storage';

/*
 * The cdk-nag (AwsSolutions) findings the axis accepts, each with its reason.
 * Acknowledgements name the exact finding (rule and, for IAM wildcards, the
 * action or resource), so a new, different finding still fails the nag test.
 * Findings that could be fixed were fixed instead: queues and topic refuse
 * plain HTTP, every log group has a retention, the alarm topic is encrypted.
 */

/** The parts of the stack that carry accepted findings. */
export interface NagScope {
  readonly storage: Storage;
  readonly functions: Functions;
  readonly api: Api;
  readonly nationalCredentials: ISecret;
}

/** Records every accepted cdk-nag finding on the construct it concerns. */
export function acknowledgeNagFindings(scope: NagScope): void {
  acknowledgeStorage(scope.storage);
  acknowledgeFunctions(scope.functions, scope.storage);
  acknowledgeApi(scope.api);
  Validations.of(scope.nationalCredentials).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      'The national axis issues this system id and HMAC key and must change them on its ' +
      'side at the same moment: a rotation Lambda here could not do that. Operators put the ' +
      'issued values with PutSecretValue when the national axis rotates them; functions ' +
      'read the secret again within five minutes.',
  });
}

function acknowledgeStorage(storage: Storage): void {
  Validations.of(storage.payloadBucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'No S3 server access log bucket: only the axis functions reach payloads, and each ' +
      'access is already logged by them with agency and document ids and recorded in the ' +
      'Audit table; a log bucket would add a second store of request metadata to protect. ' +
      'Direct access by people is audited account-wide with CloudTrail data events.',
  });
}

function acknowledgeFunctions(functions: Functions, storage: Storage): void {
  const exchange = cfnLogicalId(storage.tables.exchange);
  const payloads = cfnLogicalId(storage.payloadBucket);
  Validations.of(functions).acknowledge(
    {
      id:
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/' +
        'service-role/AWSLambdaBasicExecutionRole]',
      reason:
        'AWSLambdaBasicExecutionRole only lets a function write its own CloudWatch logs ' +
        '(logs:CreateLogGroup, CreateLogStream, PutLogEvents); AWS maintains it, and the ' +
        'log groups themselves are created by the stack with a retention period.',
    },
    {
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is a deliberate pin: the bundles target node22 and the suites run on ' +
        'the same major line. It is supported by Lambda until 2027; moving to a newer ' +
        'runtime is a separate change with its own test run, not a side effect of a scan.',
    },
    {
      id: `AwsSolutions-IAM5[Resource::<${exchange}.Arn>/index/*]`,
      reason:
        'Reading the Exchange table includes querying its secondary indexes (statuses find ' +
        "their document through them); CDK's table grant names this table's indexes only.",
    },
    {
      id: `AwsSolutions-IAM5[Resource::<${payloads}.Arn>/*]`,
      reason:
        'Payload keys are generated per document at run time, so object access is granted ' +
        'on the payload bucket only, not on named objects; no other bucket is reachable.',
    },
    ...['s3:Abort*', 's3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*'].map(
      (action) => ({
        id: `AwsSolutions-IAM5[Action::${action}]`,
        reason:
          `${action} comes from CDK's bucket grants (grantPut, grantRead, grantReadWrite) on ` +
          'the payload bucket alone, as the wiring declares; the infrastructure tests check ' +
          'each function gets no access beyond its wiring entry.',
      }),
    ),
  );
}

function acknowledgeApi(api: Api): void {
  Validations.of(api).acknowledge({
    id: 'AwsSolutions-APIG4',
    reason:
      'No API Gateway authorizer: agencies sign each request (method, path, query, body ' +
      'digest, timestamp and a single-use nonce) with their registered key, and the ' +
      'function verifies it before doing anything. An authorizer never sees the body, so ' +
      'it could not check the digest; the public key set (jwks.json) is public by design.',
  });
}

/** The logical id CDK gives an L2 construct's resource, as cdk-nag prints it. */
function cfnLogicalId(construct: IConstruct): string {
  const stack = Stack.of(construct);
  const resource = construct.node.defaultChild as CfnElement;
  return stack.resolve(stack.getLogicalId(resource)) as string;
}
