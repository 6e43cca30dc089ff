import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import {
  Alarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { FunctionName, QueueDeclaration, QueueName } from '#shared/config/wiring';
import { FUNCTIONS, QUEUES, VISIBILITY_TIMEOUT_FACTOR } from '#shared/config/wiring';
import {
  METRIC,
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  type MetricName,
} from '#shared/observability/metricNames';
import { constructIdOf, functionEntries, queueEntries } from './declarations';

/** Share of API answers that may be server errors before someone is woken. */
const API_5XX_PERCENT = 5;
/** Share of delivery attempts that may fail, over a window with enough attempts to judge. */
const DELIVERY_FAILURE_PERCENT = 25;
const DELIVERY_MIN_ATTEMPTS = 5;
const WINDOW = Duration.minutes(5);

/** What the monitoring watches, as built by the rest of the stack. */
export interface MonitoringProps {
  readonly functions: Record<FunctionName, IFunction>;
  readonly queues: Record<QueueName, IQueue>;
  readonly deadLetterQueues: Record<QueueName, IQueue>;
  readonly httpApi: HttpApi;
  /** Operators' address for alarm mail; without it the topic has no subscriber yet. */
  readonly alarmEmail?: string;
}

/** The alarms, by what they watch, so tests can find each one. */
export interface MonitoringAlarms {
  readonly deadLetters: Record<QueueName, Alarm>;
  readonly oldestMessage: Record<QueueName, Alarm>;
  readonly functionErrors: Record<FunctionName, Alarm>;
  readonly functionThrottles: Record<FunctionName, Alarm>;
  readonly api5xx: Alarm;
  readonly deliveriesFailing: Alarm;
}

/**
 * Operators' view of the axis: alarms to an encrypted SNS topic and one
 * dashboard. Alarms are derived from the wiring's queues and functions, so a
 * queue or function added there is watched without a change here.
 */
export class Monitoring extends Construct {
  readonly topic: Topic;
  readonly topicKey: Key;
  readonly alarms: MonitoringAlarms;
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);

    // CloudWatch cannot publish to a topic under the AWS-managed SNS key, whose
    // policy cannot be changed; this key lets the alarm service in.
    this.topicKey = new Key(this, 'AlarmTopicKey', {
      description: 'Lienthong operator alarm topic',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.topicKey.grant(
      new ServicePrincipal('cloudwatch.amazonaws.com'),
      'kms:Decrypt',
      'kms:GenerateDataKey*',
    );
    this.topic = new Topic(this, 'AlarmTopic', {
      displayName: 'Lienthong operator alarms',
      masterKey: this.topicKey,
      enforceSSL: true,
    });
    if (props.alarmEmail) {
      this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    }

    this.alarms = {
      deadLetters: this.perQueue((name) =>
        this.deadLetterAlarm(name, props.deadLetterQueues[name]),
      ),
      oldestMessage: this.perQueue((name) => this.oldestMessageAlarm(name, props.queues[name])),
      functionErrors: this.perFunction((name) =>
        this.alarm(`${constructIdOf(name)}Errors`, {
          metric: props.functions[name].metricErrors({ period: WINDOW, statistic: 'Sum' }),
          threshold: 1,
          description: `Function ${name} failed at least once in five minutes`,
        }),
      ),
      functionThrottles: this.perFunction((name) =>
        this.alarm(`${constructIdOf(name)}Throttles`, {
          metric: props.functions[name].metricThrottles({ period: WINDOW, statistic: 'Sum' }),
          threshold: 1,
          description: `Function ${name} was throttled: concurrency is exhausted`,
        }),
      ),
      api5xx: this.api5xxAlarm(props.httpApi),
      deliveriesFailing: this.deliveriesFailingAlarm(),
    };
    this.dashboard = this.buildDashboard(props);
  }

  private perQueue(build: (name: QueueName) => Alarm): Record<QueueName, Alarm> {
    return Object.fromEntries(queueEntries().map(([name]) => [name, build(name)])) as Record<
      QueueName,
      Alarm
    >;
  }

  private perFunction(build: (name: FunctionName) => Alarm): Record<FunctionName, Alarm> {
    return Object.fromEntries(functionEntries().map(([name]) => [name, build(name)])) as Record<
      FunctionName,
      Alarm
    >;
  }

  private deadLetterAlarm(name: QueueName, deadLetterQueue: IQueue): Alarm {
    return this.alarm(`${constructIdOf(name)}DeadLetters`, {
      metric: deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: 1,
      description: `A message gave up in the ${name} queue: its dead-letter queue is not empty`,
    });
  }

  /**
   * A message may legitimately wait as long as all its allowed receives take:
   * each one can hold it for the visibility timeout. Older than that, the
   * consumer is not keeping up or not running.
   */
  private oldestMessageAlarm(name: QueueName, queue: IQueue): Alarm {
    const declaration: QueueDeclaration = QUEUES[name];
    const visibilitySeconds =
      VISIBILITY_TIMEOUT_FACTOR * FUNCTIONS[declaration.consumer].timeoutSeconds;
    const thresholdSeconds = visibilitySeconds * declaration.maxReceiveCount;
    return this.alarm(`${constructIdOf(name)}OldestMessage`, {
      metric: queue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(1),
        statistic: 'Maximum',
      }),
      threshold: thresholdSeconds,
      evaluationPeriods: 3,
      description: `The oldest message in the ${name} queue is older than ${thresholdSeconds} s`,
    });
  }

  private api5xxAlarm(httpApi: HttpApi): Alarm {
    const rate = new MathExpression({
      expression: 'IF(requests > 0, 100 * FILL(errors, 0) / requests, 0)',
      usingMetrics: {
        errors: httpApi.metricServerError({ period: WINDOW, statistic: 'Sum' }),
        requests: httpApi.metricCount({ period: WINDOW, statistic: 'Sum' }),
      },
      label: 'API 5xx %',
      period: WINDOW,
    });
    return this.alarm('Api5xxRate', {
      metric: rate,
      threshold: API_5XX_PERCENT,
      description: `More than ${API_5XX_PERCENT}% of API answers were server errors`,
    });
  }

  private deliveriesFailingAlarm(): Alarm {
    const failing = new MathExpression({
      expression:
        `IF(FILL(failed, 0) + FILL(succeeded, 0) >= ${DELIVERY_MIN_ATTEMPTS}, ` +
        '100 * FILL(failed, 0) / (FILL(failed, 0) + FILL(succeeded, 0)), 0)',
      usingMetrics: {
        failed: axisMetric(METRIC.deliveriesFailed),
        succeeded: axisMetric(METRIC.deliveriesSucceeded),
      },
      label: 'Failed delivery attempts %',
      period: WINDOW,
    });
    return this.alarm('DeliveriesFailing', {
      metric: failing,
      threshold: DELIVERY_FAILURE_PERCENT,
      // A webhook blip retries on its own; a quarter hour of failures does not.
      evaluationPeriods: 3,
      description: `More than ${DELIVERY_FAILURE_PERCENT}% of delivery attempts failed`,
    });
  }

  /**
   * Every alarm notifies the topic when it fires and when it clears. Missing
   * data means nothing happened (no errors, an idle queue), never trouble.
   */
  private alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      description: string;
      evaluationPeriods?: number;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: TreatMissingData.NOT_BREACHING,
      alarmDescription: options.description,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    return alarm;
  }

  private buildDashboard(props: MonitoringProps): Dashboard {
    // Named after the stack, so a second deployment in the account gets its own.
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: Stack.of(this).stackName,
    });
    const queues = queueEntries().map(([name]) => name);
    const functions = functionEntries().map(([name]) => name);
    dashboard.addWidgets(
      new TextWidget({
        markdown: '# Lienthong axis\nDocuments and statuses, queues, functions, API.',
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      graph('Documents and statuses', [
        axisMetric(METRIC.documentsAccepted),
        axisMetric(METRIC.documentsRejected),
        axisMetric(METRIC.statusesAccepted),
        axisMetric(METRIC.requestsRefused),
      ]),
      graph('Deliveries', [
        axisMetric(METRIC.deliveriesSucceeded),
        axisMetric(METRIC.deliveriesFailed),
        axisMetric(METRIC.deliveriesDeadLettered),
      ]),
    );
    dashboard.addWidgets(
      graph(
        'Queue depth',
        queues.map((name) =>
          props.queues[name].metricApproximateNumberOfMessagesVisible({ label: name }),
        ),
      ),
      graph(
        'Dead-letter queue depth',
        queues.map((name) =>
          props.deadLetterQueues[name].metricApproximateNumberOfMessagesVisible({
            label: `${name} DLQ`,
          }),
        ),
      ),
    );
    dashboard.addWidgets(
      graph(
        'Function errors',
        functions.map((name) => props.functions[name].metricErrors({ label: name })),
      ),
      graph(
        'Function duration (p95)',
        functions.map((name) =>
          props.functions[name].metricDuration({ label: name, statistic: 'p95' }),
        ),
      ),
    );
    dashboard.addWidgets(
      graph('API answers', [
        props.httpApi.metricCount({ label: 'requests' }),
        props.httpApi.metricClientError({ label: '4xx' }),
        props.httpApi.metricServerError({ label: '5xx' }),
      ]),
    );
    return dashboard;
  }
}

/** One of the axis's own EMF counters, summed over the service. */
function axisMetric(name: MetricName): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic: 'Sum',
    period: WINDOW,
  });
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 12, height: 6 });
}
