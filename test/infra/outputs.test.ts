import { beforeAll, describe, it } from 'vitest';
import { queueEntries, tableEntries } from '../../cdk/lib/declarations';
import type { Synthesized } from './synthesize';
import { arnOf, logicalIdOf, synthesize } from './synthesize';

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

describe('stack outputs', () => {
  it('publishes the URL of the default stage', () => {
    const apiLogicalId = logicalIdOf(synth.stack, synth.stack.api.httpApi);
    synth.template.hasOutput('ApiUrl', {
      Value: {
        'Fn::Join': [
          '',
          [
            'https://',
            { Ref: apiLogicalId },
            '.execute-api.',
            { Ref: 'AWS::Region' },
            '.',
            { Ref: 'AWS::URLSuffix' },
            '/',
          ],
        ],
      },
    });
  });

  it('publishes the signing key ARN and the payload bucket name', () => {
    const { stack, template } = synth;
    template.hasOutput('SigningKeyArn', { Value: arnOf(logicalIdOf(stack, stack.signingKey)) });
    template.hasOutput('PayloadBucketName', {
      Value: { Ref: logicalIdOf(stack, stack.storage.payloadBucket) },
    });
  });

  it('publishes the operator alarm topic and the dashboard', () => {
    const { stack, template } = synth;
    template.hasOutput('AlarmTopicArn', {
      Value: { Ref: logicalIdOf(stack, stack.monitoring.topic) },
    });
    template.hasOutput('DashboardName', {
      Value: { Ref: logicalIdOf(stack, stack.monitoring.dashboard) },
    });
  });

  it.each(tableEntries())('publishes the name of the %s table', (name, declaration) => {
    const { stack, template } = synth;
    template.hasOutput(`${declaration.id}TableName`, {
      Value: { Ref: logicalIdOf(stack, stack.storage.tables[name]) },
    });
  });

  it.each(queueEntries())(
    'publishes the names of the %s queue and its DLQ',
    (name, declaration) => {
      const { stack, template } = synth;
      const queueName = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'QueueName'] });
      template.hasOutput(`${declaration.id}Name`, {
        Value: queueName(logicalIdOf(stack, stack.queues.queues[name])),
      });
      template.hasOutput(`${declaration.id}DlqName`, {
        Value: queueName(logicalIdOf(stack, stack.queues.deadLetterQueues[name])),
      });
    },
  );
});
