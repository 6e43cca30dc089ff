import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { FUNCTIONS } from '#shared/config/wiring';
import { queueEntries } from '../../cdk/lib/declarations';
import type { Synthesized } from './synthesize';
import { arnOf, logicalIdOf, synthesize } from './synthesize';

/** AWS's recommendation for a queue that feeds Lambda, whatever the wiring says. */
const MIN_VISIBILITY_FACTOR = 6;
/** Fewer receives than this would dead-letter messages on a brief outage. */
const MIN_MAX_RECEIVE_COUNT = 5;

interface QueueProperties {
  readonly VisibilityTimeout: number;
}

let synth: Synthesized;
beforeAll(() => {
  synth = synthesize();
});

describe('SQS queues', () => {
  it('has a work queue and a dead-letter queue per QUEUES entry', () => {
    synth.template.resourceCountIs('AWS::SQS::Queue', 2 * queueEntries().length);
  });

  it('encrypts every queue with SQS-managed keys', () => {
    synth.template.allResourcesProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
  });

  describe.each(queueEntries())('%s', (name, declaration) => {
    const queueLogicalId = (): string => logicalIdOf(synth.stack, synth.stack.queues.queues[name]);
    const deadLetterLogicalId = (): string =>
      logicalIdOf(synth.stack, synth.stack.queues.deadLetterQueues[name]);

    it('redrives to its own dead-letter queue after the wiring receive count', () => {
      expect(declaration.maxReceiveCount).toBeGreaterThanOrEqual(MIN_MAX_RECEIVE_COUNT);
      const found = synth.template.findResources('AWS::SQS::Queue', {
        Properties: {
          RedrivePolicy: {
            deadLetterTargetArn: arnOf(deadLetterLogicalId()),
            maxReceiveCount: declaration.maxReceiveCount,
          },
        },
      });
      expect(Object.keys(found)).toEqual([queueLogicalId()]);
    });

    it("hides a received message for at least six times its consumer's timeout", () => {
      const queue = synth.template.toJSON().Resources[queueLogicalId()];
      const { VisibilityTimeout } = queue.Properties as QueueProperties;
      const consumerTimeout = FUNCTIONS[declaration.consumer].timeoutSeconds;
      expect(VisibilityTimeout).toBeGreaterThanOrEqual(MIN_VISIBILITY_FACTOR * consumerTimeout);
    });

    it('keeps dead letters for the wiring retention, and redrives them nowhere', () => {
      const found = synth.template.findResources('AWS::SQS::Queue', {
        Properties: {
          MessageRetentionPeriod: declaration.dlqRetentionDays * 24 * 60 * 60,
          RedrivePolicy: Match.absent(),
        },
      });
      expect(Object.keys(found)).toContain(deadLetterLogicalId());
    });

    it.each([
      ['work queue', queueLogicalId],
      ['dead-letter queue', deadLetterLogicalId],
    ])('denies non-TLS access to its %s', (_kind, logicalIdFn) => {
      synth.template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: logicalIdFn() }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              Resource: arnOf(logicalIdFn()),
            }),
          ]),
        },
      });
    });
  });
});
