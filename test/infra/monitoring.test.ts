import { Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { METRIC, METRICS_NAMESPACE } from '#shared/observability/metricNames';
import { functionEntries, queueEntries } from '../../cdk/lib/declarations';
import type { Synthesized } from './synthesize';
import { logicalIdOf, refersTo, synthesize } from './synthesize';

/*
 * The alarms are looked up by what they watch, walking the wiring: a queue or
 * function added there without an alarm fails here, whatever the monitoring
 * construct's own bookkeeping says.
 */

interface AlarmProperties {
  readonly MetricName?: string;
  readonly Namespace?: string;
  readonly Dimensions?: { Name: string; Value: unknown }[];
  readonly Metrics?: { Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
  readonly AlarmActions: unknown[];
  readonly OKActions: unknown[];
  readonly TreatMissingData: string;
  readonly ComparisonOperator: string;
  readonly Threshold: number;
}

let synth: Synthesized;
let alarms: AlarmProperties[];
beforeAll(() => {
  synth = synthesize();
  alarms = Object.values(synth.template.findResources('AWS::CloudWatch::Alarm')).map(
    (resource) => resource.Properties as AlarmProperties,
  );
});

const topicLogicalId = (): string => logicalIdOf(synth.stack, synth.stack.monitoring.topic);

/** Alarms on `metricName` whose dimensions name the resource with `logicalId`. */
function alarmsOn(metricName: string, logicalId: string): AlarmProperties[] {
  return alarms.filter(
    (alarm) => alarm.MetricName === metricName && refersTo(alarm.Dimensions, logicalId),
  );
}

function expectRoutedToTopic(found: AlarmProperties[]): void {
  expect(found).toHaveLength(1);
  const [alarm] = found;
  expect(alarm.AlarmActions).toEqual([{ Ref: topicLogicalId() }]);
  expect(alarm.OKActions).toEqual([{ Ref: topicLogicalId() }]);
  expect(alarm.TreatMissingData).toBe('notBreaching');
  expect(alarm.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
}

describe('operator topic', () => {
  it('is encrypted with a rotating customer key that CloudWatch may use', () => {
    const keyId = logicalIdOf(synth.stack, synth.stack.monitoring.topicKey);
    synth.template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] },
    });
    synth.template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: {
        Statement: Match.arrayWith([
          Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
        ]),
      },
    });
  });

  it('has no subscriber unless an alarm address is given', () => {
    synth.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('mails the address given as lienthong:alarmEmail', () => {
    const withEmail = synthesize({ 'lienthong:alarmEmail': 'ops@example.vn' });
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.vn',
      TopicArn: { Ref: logicalIdOf(withEmail.stack, withEmail.stack.monitoring.topic) },
    });
  });
});

describe.each(queueEntries())('queue %s', (name, declaration) => {
  it('alarms when its dead-letter queue holds a message', () => {
    const dlq = logicalIdOf(synth.stack, synth.stack.queues.deadLetterQueues[name]);
    const found = alarmsOn('ApproximateNumberOfMessagesVisible', dlq);
    expectRoutedToTopic(found);
    expect(found[0].Threshold).toBe(1);
  });

  it('alarms when its oldest message outlives every allowed receive', () => {
    const queue = logicalIdOf(synth.stack, synth.stack.queues.queues[name]);
    const found = alarmsOn('ApproximateAgeOfOldestMessage', queue);
    expectRoutedToTopic(found);
    expect(found[0].Threshold).toBeGreaterThan(0);
    expect(found[0].Threshold % declaration.maxReceiveCount).toBe(0);
  });
});

describe.each(functionEntries())('function %s', (name) => {
  const fnLogicalId = (): string => logicalIdOf(synth.stack, synth.stack.functions.functions[name]);

  it.each(['Errors', 'Throttles'])('alarms on %s', (metricName) => {
    expectRoutedToTopic(alarmsOn(metricName, fnLogicalId()));
  });
});

describe('expression alarms', () => {
  const expressionAlarmsUsing = (metricName: string): AlarmProperties[] =>
    alarms.filter((alarm) =>
      (alarm.Metrics ?? []).some((query) => query.MetricStat?.Metric.MetricName === metricName),
    );

  it('alarms on the rate of API server errors', () => {
    expectRoutedToTopic(expressionAlarmsUsing('5xx'));
  });

  it('alarms on failing deliveries from the axis metrics', () => {
    const found = expressionAlarmsUsing(METRIC.deliveriesFailed);
    expectRoutedToTopic(found);
    const expression = found[0].Metrics?.find((query) => query.Expression)?.Expression;
    expect(expression).toContain('failed');
  });
});

describe('dashboard', () => {
  it('exists once and graphs the axis metrics, queues, functions and API', () => {
    synth.template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(
      Object.values(synth.template.findResources('AWS::CloudWatch::Dashboard'))[0].Properties,
    );
    for (const metric of Object.values(METRIC)) {
      expect(body).toContain(metric);
    }
    for (const fragment of [METRICS_NAMESPACE, 'ApproximateNumberOfMessagesVisible', '4xx']) {
      expect(body).toContain(fragment);
    }
    for (const [name] of functionEntries()) {
      const fn = logicalIdOf(synth.stack, synth.stack.functions.functions[name]);
      expect(body).toContain(fn);
    }
  });
});
