import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { type IFunction, Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FunctionName, QueueName } from '#shared/config/wiring';
import { METRIC, METRICS_NAMESPACE } from '#shared/observability/metricNames';
import { functionEntries, queueEntries } from '../../cdk/lib/declarations';
import { Monitoring } from '../../cdk/lib/Monitoring';
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
  readonly Statistic?: string;
  readonly Period?: number;
  readonly EvaluationPeriods: number;
  readonly DatapointsToAlarm?: number;
  readonly AlarmDescription?: string;
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

describe('axis metric alarms', () => {
  /** Alarms on one of the axis's own metrics, under its namespace. */
  const axisAlarmsOn = (found: AlarmProperties[], metricName: string): AlarmProperties[] =>
    found.filter(
      (alarm) => alarm.Namespace === METRICS_NAMESPACE && alarm.MetricName === metricName,
    );

  const alarmsOf = (template: Synthesized['template']): AlarmProperties[] =>
    Object.values(template.findResources('AWS::CloudWatch::Alarm')).map(
      (resource) => resource.Properties as AlarmProperties,
    );

  it('alarms when any agency failed three deliveries in a row within five minutes', () => {
    const found = axisAlarmsOn(alarms, METRIC.agencyConsecutiveFailures);
    expectRoutedToTopic(found);
    expect(found[0]).toMatchObject({
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 3,
      Dimensions: [{ Name: 'service', Value: 'lienthong' }],
    });
    // The operator is told where to find which agency it is.
    expect(found[0]?.AlarmDescription).toMatch(/console/i);
    expect(found[0]?.AlarmDescription).toContain('`lienthong ');
  });

  it('alarms when the health check fails in two of three periods, or stops reporting', () => {
    const found = axisAlarmsOn(alarms, METRIC.healthCheckFailed);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      Statistic: 'Maximum',
      Period: 300,
      EvaluationPeriods: 3,
      DatapointsToAlarm: 2,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [{ Ref: topicLogicalId() }],
      OKActions: [{ Ref: topicLogicalId() }],
    });
  });

  it('has no national link alarm when the stack is not linked to a national axis', () => {
    expect(synth.stack.monitoring.alarms.nationalLinkDown).toBeUndefined();
    expect(axisAlarmsOn(alarms, METRIC.nationalFetchSucceeded)).toEqual([]);
  });

  /**
   * The construct alone, over imported functions and queues, so its
   * `nationalLinked` switch is tested apart from how the stack sets it.
   */
  function monitoringAlone(nationalLinked: boolean): {
    monitoring: Monitoring;
    template: Template;
  } {
    const stack = new Stack(new App(), 'MonitoringAlone', {
      env: { account: '123456789012', region: 'ap-southeast-1' },
    });
    const arn = (service: string, name: string) =>
      `arn:aws:${service}:ap-southeast-1:123456789012:${name}`;
    const functions = Object.fromEntries(
      functionEntries().map(([name]) => [
        name,
        LambdaFunction.fromFunctionArn(stack, `Fn-${name}`, arn('lambda', `function:${name}`)),
      ]),
    ) as Record<FunctionName, IFunction>;
    const queuesNamed = (suffix: string) =>
      Object.fromEntries(
        queueEntries().map(([name]) => [
          name,
          Queue.fromQueueArn(stack, `Queue-${name}${suffix}`, arn('sqs', `${name}${suffix}`)),
        ]),
      ) as Record<QueueName, IQueue>;
    const monitoring = new Monitoring(stack, 'Monitoring', {
      functions,
      queues: queuesNamed(''),
      deadLetterQueues: queuesNamed('-dlq'),
      httpApi: new HttpApi(stack, 'Api'),
      nationalLinked,
    });
    return { monitoring, template: Template.fromStack(stack) };
  }

  it('creates the national link alarm only when the construct is told the stack is linked', () => {
    const unlinked = monitoringAlone(false);
    expect(unlinked.monitoring.alarms.nationalLinkDown).toBeUndefined();
    expect(axisAlarmsOn(alarmsOf(unlinked.template), METRIC.nationalFetchSucceeded)).toEqual([]);

    const linked = monitoringAlone(true);
    expect(linked.monitoring.alarms.nationalLinkDown).toBeDefined();
    const found = axisAlarmsOn(alarmsOf(linked.template), METRIC.nationalFetchSucceeded);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
    // Consecutive periods: every one of the three must be silent.
    expect(found[0]?.DatapointsToAlarm ?? 3).toBe(3);
  });

  it('alarms when a linked stack has not polled the national axis for three periods', () => {
    const linked = synthesize({ 'lienthong:nationalAxisUrl': 'https://national.example.vn' });
    const found = axisAlarmsOn(alarmsOf(linked.template), METRIC.nationalFetchSucceeded);
    const topic = { Ref: logicalIdOf(linked.stack, linked.stack.monitoring.topic) };
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      Statistic: 'Sum',
      Period: 300,
      EvaluationPeriods: 3,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
      AlarmActions: [topic],
      OKActions: [topic],
    });
    // Consecutive periods: every one of the three must be silent.
    expect(found[0]?.DatapointsToAlarm ?? 3).toBe(3);
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
    for (const fragment of [
      METRICS_NAMESPACE,
      'ApproximateNumberOfMessagesVisible',
      '4xx',
      'National axis link',
      'Agency failures',
    ]) {
      expect(body).toContain(fragment);
    }
    for (const [name] of functionEntries()) {
      const fn = logicalIdOf(synth.stack, synth.stack.functions.functions[name]);
      expect(body).toContain(fn);
    }
  });
});
