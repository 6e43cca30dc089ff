import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionDeclaration } from '#shared/config/wiring';
import { ENV, QUEUES, SETTING_DEFAULTS, TABLES } from '#shared/config/wiring';
import {
  functionEntries,
  queueEntries,
  tableAccessOf,
  tableEntries,
} from '../../cdk/lib/declarations';
import type { Synthesized } from './synthesize';
import { arnOf, logicalIdOf, synthesize } from './synthesize';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

/** The environment a wiring entry implies, with values as CloudFormation references. */
function expectedEnvironment(declaration: FunctionDeclaration): Record<string, unknown> {
  const { stack } = synth;
  const environment: Record<string, unknown> = { NODE_OPTIONS: '--enable-source-maps' };
  for (const [table] of tableAccessOf(declaration)) {
    environment[TABLES[table].env] = { Ref: logicalIdOf(stack, stack.storage.tables[table]) };
  }
  if (declaration.bucket) {
    environment[ENV.payloadBucket] = { Ref: logicalIdOf(stack, stack.storage.payloadBucket) };
  }
  for (const queue of declaration.sendsTo) {
    environment[QUEUES[queue].env] = { Ref: logicalIdOf(stack, stack.queues.queues[queue]) };
  }
  if (declaration.signingKey.length > 0) {
    environment[ENV.signingKeyId] = arnOf(logicalIdOf(stack, stack.signingKey));
  }
  if (declaration.health) {
    // The health check names every table and queue, the bucket and the key.
    for (const [table, tableDeclaration] of tableEntries()) {
      environment[tableDeclaration.env] = { Ref: logicalIdOf(stack, stack.storage.tables[table]) };
    }
    for (const [queue, queueDeclaration] of queueEntries()) {
      environment[queueDeclaration.env] = { Ref: logicalIdOf(stack, stack.queues.queues[queue]) };
      environment[queueDeclaration.deadLetterEnv] = {
        Ref: logicalIdOf(stack, stack.queues.deadLetterQueues[queue]),
      };
    }
    environment[ENV.payloadBucket] = { Ref: logicalIdOf(stack, stack.storage.payloadBucket) };
    environment[ENV.signingKeyId] = arnOf(logicalIdOf(stack, stack.signingKey));
  }
  if (declaration.queueDepths) {
    for (const [queue, queueDeclaration] of queueEntries()) {
      environment[queueDeclaration.env] = { Ref: logicalIdOf(stack, stack.queues.queues[queue]) };
      environment[queueDeclaration.deadLetterEnv] = {
        Ref: logicalIdOf(stack, stack.queues.deadLetterQueues[queue]),
      };
    }
  }
  for (const setting of declaration.settings) {
    environment[setting] = SETTING_DEFAULTS[setting];
  }
  if (declaration.national) {
    // Not linked in this synthesis: an empty URL, and the secret is still named.
    environment[ENV.nationalAxisUrl] = '';
    environment[ENV.nationalCredentialsSecret] = {
      Ref: logicalIdOf(stack, stack.nationalCredentials),
    };
  }
  return environment;
}

describe('Lambda functions', () => {
  it('has one function per FUNCTIONS entry', () => {
    synth.template.resourceCountIs('AWS::Lambda::Function', functionEntries().length);
  });

  describe.each(functionEntries())('%s', (name, declaration) => {
    const functionLogicalId = (): string =>
      logicalIdOf(synth.stack, synth.stack.functions.functions[name]);

    it('runs nodejs22.x on arm64 with the wiring timeout and memory', () => {
      const found = synth.template.findResources('AWS::Lambda::Function', {
        Properties: {
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          Timeout: declaration.timeoutSeconds,
          MemorySize: declaration.memoryMb,
          LoggingConfig: Match.objectLike({ LogFormat: 'JSON' }),
        },
      });
      expect(Object.keys(found)).toContain(functionLogicalId());
    });

    it('has exactly the environment its wiring entry implies', () => {
      const found = synth.template.findResources('AWS::Lambda::Function', {
        Properties: {
          Environment: { Variables: Match.objectEquals(expectedEnvironment(declaration)) },
        },
      });
      expect(Object.keys(found)).toContain(functionLogicalId());
    });
  });
});

describe('SQS event sources', () => {
  it('has one event source mapping per queue', () => {
    synth.template.resourceCountIs('AWS::Lambda::EventSourceMapping', queueEntries().length);
  });

  it('reports batch item failures on every mapping', () => {
    synth.template.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  it.each(queueEntries())('feeds the %s queue to its consumer in wiring batches', (name, queue) => {
    const { stack, template } = synth;
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: arnOf(logicalIdOf(stack, stack.queues.queues[name])),
      FunctionName: { Ref: logicalIdOf(stack, stack.functions.functions[queue.consumer]) },
      BatchSize: queue.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: queue.maxConcurrency },
    });
  });
});

describe('schedules', () => {
  const scheduled = () =>
    functionEntries().filter(([, declaration]) => declaration.scheduleMinutes !== undefined);

  function rulesOf(synthesized: Synthesized) {
    const rules = synthesized.template.findResources('AWS::Events::Rule');
    return Object.values(rules).map((rule) => {
      const properties = (rule as { Properties: Record<string, unknown> }).Properties;
      const [target] = properties.Targets as Array<{ Arn: { 'Fn::GetAtt': [string, string] } }>;
      return { expression: properties.ScheduleExpression, target: target?.Arn['Fn::GetAtt'][0] };
    });
  }

  const expectedRules = (synthesized: Synthesized, linked: boolean) =>
    scheduled()
      .filter(([, declaration]) => linked || !declaration.national)
      .map(([name, declaration]) => ({
        // As EventBridge reads it: CDK writes 360 minutes as rate(6 hours).
        expression: Schedule.rate(Duration.minutes(declaration.scheduleMinutes ?? 0))
          .expressionString,
        target: logicalIdOf(synthesized.stack, synthesized.stack.functions.functions[name]),
      }));

  it('runs each scheduled function that needs no national link at its wiring rate', () => {
    expect(rulesOf(synth)).toEqual(expect.arrayContaining(expectedRules(synth, false)));
    expect(rulesOf(synth)).toHaveLength(expectedRules(synth, false).length);
  });

  it('refuses to link the stack to a national axis over plain http', () => {
    expect(() => synthesize({ 'lienthong:nationalAxisUrl': 'http://national.example.vn' })).toThrow(
      /must be an https:\/\/ URL/,
    );
  });

  it('adds the national axis poll and directory sync only when the stack is linked', () => {
    const linked = synthesize({ 'lienthong:nationalAxisUrl': 'https://lienthong.example.vn' });
    expect(rulesOf(linked)).toEqual(expect.arrayContaining(expectedRules(linked, true)));
    expect(rulesOf(linked)).toHaveLength(expectedRules(linked, true).length);
    linked.template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({ [ENV.nationalAxisUrl]: 'https://lienthong.example.vn' }),
      },
    });
  });
});
