import { readFileSync } from 'node:fs';
import type { CfnElement } from 'aws-cdk-lib';
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { LienthongStack } from '../../cdk/lib/LienthongStack';

/*
 * Shared by the infrastructure tests: synthesis as `cdk synth` does it, and
 * the walking of IAM policies that Template's matchers cannot express.
 */

export interface Synthesized {
  readonly stack: LienthongStack;
  readonly template: Template;
}

/**
 * Synthesizes the stack with cdk.json's context, so feature flags set there
 * shape the tested template too. Two slow steps that do not change the
 * template are skipped: bundling (esbuild, seconds per function) and CDK's
 * built-in CloudFormation validation (seconds of WebAssembly), which
 * `cdk synth` still runs.
 */
export function synthesize(extraContext: Record<string, unknown> = {}): Synthesized {
  const cdkJson = JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8'));
  const app = new App({
    context: { ...cdkJson.context, ...extraContext, 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  const stack = new LienthongStack(app, 'Lienthong');
  return { stack, template: Template.fromStack(stack) };
}

/** The logical id of an L2 construct's underlying CloudFormation resource. */
export function logicalIdOf(stack: LienthongStack, construct: IConstruct): string {
  const resource = construct.node.defaultChild;
  if (!resource) {
    throw new Error(`${construct.node.path} has no CloudFormation resource`);
  }
  return stack.getLogicalId(resource as CfnElement);
}

/** `Fn::GetAtt` of a resource's ARN, as CDK renders references to it. */
export function arnOf(logicalId: string): { 'Fn::GetAtt': [string, string] } {
  return { 'Fn::GetAtt': [logicalId, 'Arn'] };
}

export interface Statement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action: string | string[];
  readonly Resource: unknown;
}

interface TemplateResource {
  readonly Type: string;
  readonly Properties: Record<string, unknown>;
}

/** Every statement of every AWS::IAM::Policy in the template. */
export function allPolicyStatements(template: Template): Statement[] {
  const policies = Object.values(template.findResources('AWS::IAM::Policy')) as TemplateResource[];
  return policies.flatMap(statementsOf);
}

/**
 * The statements of the policies attached to a function's execution role,
 * found by following the function's `Role` to the policies naming that role.
 */
export function roleStatementsOf(template: Template, functionLogicalId: string): Statement[] {
  const resources = template.toJSON().Resources as Record<string, TemplateResource>;
  const fn = resources[functionLogicalId];
  if (fn?.Type !== 'AWS::Lambda::Function') {
    throw new Error(`${functionLogicalId} is not a Lambda function`);
  }
  const roleArn = fn.Properties.Role as { 'Fn::GetAtt': [string, string] };
  const roleLogicalId = roleArn['Fn::GetAtt'][0];
  return Object.values(resources)
    .filter((resource) => resource.Type === 'AWS::IAM::Policy')
    .filter((policy) => refersTo(policy.Properties.Roles, roleLogicalId))
    .flatMap(statementsOf);
}

function statementsOf(policy: TemplateResource): Statement[] {
  const document = policy.Properties.PolicyDocument as { Statement: Statement[] };
  return document.Statement;
}

export function actionsOf(statement: Statement): string[] {
  return typeof statement.Action === 'string' ? [statement.Action] : statement.Action;
}

/** The actions allowed on a resource, its ARN or any path under it. */
export function actionsAllowedOn(statements: Statement[], logicalId: string): string[] {
  return statements
    .filter((statement) => statement.Effect === 'Allow' && refersTo(statement.Resource, logicalId))
    .flatMap(actionsOf);
}

/** Whether a CloudFormation value contains a `Ref` or `Fn::GetAtt` of the resource. */
export function refersTo(value: unknown, logicalId: string): boolean {
  if (Array.isArray(value)) {
    return value.some((item) => refersTo(item, logicalId));
  }
  if (value === null || typeof value !== 'object') {
    return false;
  }
  const record = value as Record<string, unknown>;
  if (record.Ref === logicalId) {
    return true;
  }
  const getAtt = record['Fn::GetAtt'];
  if (Array.isArray(getAtt) && getAtt[0] === logicalId) {
    return true;
  }
  return Object.values(record).some((item) => refersTo(item, logicalId));
}

/**
 * Whether any of the granted actions covers `action`, honouring IAM's `*`
 * and `?` wildcards and its case-insensitive action names: `s3:GetObject*`
 * grants `s3:GetObject`.
 */
export function grants(granted: string[], action: string): boolean {
  return granted.some((pattern) => {
    const source = pattern
      .split('')
      .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/\W/, '\\$&')))
      .join('');
    return new RegExp(`^${source}$`, 'i').test(action);
  });
}
