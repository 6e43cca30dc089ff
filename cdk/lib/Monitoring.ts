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
/** Failed deliveries in a row to one agency before an operator is told. */
const AGENCY_CONSECUTIVE_FAILURES = 3;
/** Periods the health check and the national link alarms look back over. */
const TREND_PERIODS = 3;
/** Of those, how many failing health checks it takes to alarm: one bad check is a blip. */
const HEALTH_FAILING_PERIODS = 2;
const WINDOW = Duration.minutes(5);

/** What the monitoring watches, as built by the rest of the stack. */
export interface MonitoringProps {
  readonly functions: Record<FunctionName, IFunction>;
  readonly queues: Record<QueueName, IQueue>;
  readonly deadLetterQueues: Record<QueueName, IQueue>;
  readonly httpApi: HttpApi;
  /** Operators' address for alarm mail; without it the topic has no subscriber yet. */
  readonly alarmEmail?: string;
  /**
   * Whether the stack is linked to a national axis (`lienthong:nationalAxisUrl`
   * is set). Only then is a silent link an outage worth an alarm.
   */
  readonly nationalLinked?: boolean;
}

/** The alarms, by what they watch, so tests can find each one. */
export interface MonitoringAlarms {
  readonly deadLetters: Record<QueueName, Alarm>;
  readonly oldestMessage: Record<QueueName, Alarm>;
  readonly functionErrors: Record<FunctionName, Alarm>;
  readonly functionThrottles: Record<FunctionName, Alarm>;
  readonly api5xx: Alarm;
  readonly deliveriesFailing: Alarm;
  readonly agencyFailing: Alarm;
  readonly healthCheckFailing: Alarm;
  /** Present only when the stack is linked to a national axis. */
  readonly nationalLinkDown?: Alarm;
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
      agencyFailing: this.agencyFailingAlarm(),
      healthCheckFailing: this.healthCheckFailingAlarm(),
      ...(props.nationalLinked ? { nationalLinkDown: this.nationalLinkDownAlarm() } : {}),
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
   * The route step publishes each agency's run of failed deliveries without
   * an agency dimension, so the Maximum says whether any agency is failing:
   * one alarm, however many agencies there are. Which agency it is, the
   * operator reads from the connection records.
   */
  private agencyFailingAlarm(): Alarm {
    return this.alarm('AgencyFailing', {
      metric: axisMetric(METRIC.agencyConsecutiveFailures, 'Maximum'),
      threshold: AGENCY_CONSECUTIVE_FAILURES,
      description:
        `An agency failed ${AGENCY_CONSECUTIVE_FAILURES} or more deliveries in a row. ` +
        "To see which: open the operator console's Agencies view (/console), which shows each " +
        "agency's consecutive failures and last failure (or GET /v1/operator/agencies); " +
        '`lienthong dlq list route` lists the deliveries that gave up, and ' +
        "`lienthong trace DOCUMENT_ID` shows one document's deliveries.",
    });
  }

  /**
   * The scheduled health monitor publishes 1 when a component fails and 0
   * when all are ok. Missing data breaches: a monitor that stopped running
   * (or cannot publish) is itself trouble.
   */
  private healthCheckFailingAlarm(): Alarm {
    return this.alarm('HealthCheckFailing', {
      metric: axisMetric(METRIC.healthCheckFailed, 'Maximum'),
      threshold: 1,
      evaluationPeriods: TREND_PERIODS,
      datapointsToAlarm: HEALTH_FAILING_PERIODS,
      treatMissingData: TreatMissingData.BREACHING,
      description:
        `The scheduled health check found a failing component in ${HEALTH_FAILING_PERIODS} ` +
        `of ${TREND_PERIODS} five-minute periods, or stopped reporting. GET /v1/health names ` +
        "the component; the health monitor function's log says why.",
    });
  }

  /**
   * A successful poll of the national axis counts 1; none for a quarter of
   * an hour, or no metric at all, means the link is down.
   */
  private nationalLinkDownAlarm(): Alarm {
    return this.alarm('NationalLinkDown', {
      metric: axisMetric(METRIC.nationalFetchSucceeded, 'Sum'),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: TREND_PERIODS,
      treatMissingData: TreatMissingData.BREACHING,
      description:
        `No successful poll of the national axis in ${TREND_PERIODS} five-minute periods. ` +
        "Check the federation function's log, the national axis credentials secret and " +
        'the NationalLinkFailures metric on the dashboard.',
    });
  }

  /**
   * Every alarm notifies the topic when it fires and when it clears. Unless
   * an alarm says otherwise, missing data means nothing happened (no errors,
   * an idle queue), never trouble.
   */
  private alarm(
    id: string,
    options: {
      metric: IMetric;
      threshold: number;
      description: string;
      evaluationPeriods?: number;
      datapointsToAlarm?: number;
      comparisonOperator?: ComparisonOperator;
      treatMissingData?: TreatMissingData;
    },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      metric: options.metric,
      threshold: options.threshold,
      evaluationPeriods: options.evaluationPeriods ?? 1,
      datapointsToAlarm: options.datapointsToAlarm,
      comparisonOperator:
        options.comparisonOperator ?? ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: options.treatMissingData ?? TreatMissingData.NOT_BREACHING,
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
      graph('Agency failures', [
        axisMetric(METRIC.agencyConsecutiveFailures, 'Maximum', 'worst consecutive failures'),
        axisMetric(METRIC.deliveriesFailed),
      ]),
      graph('Health check', [axisMetric(METRIC.healthCheckFailed, 'Maximum', 'failing (1)')]),
    );
    // Shown linked or not: unlinked, it stays empty, which is the truth.
    dashboard.addWidgets(
      graph('National axis link', [
        axisMetric(METRIC.nationalFetchSucceeded),
        axisMetric(METRIC.nationalItemsFetched),
        axisMetric(METRIC.nationalForwarded),
        axisMetric(METRIC.nationalLinkFailures),
      ]),
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

/**
 * One of the axis's own EMF metrics under the service dimension: summed for
 * counters, or another statistic for gauges such as a run of failures.
 */
function axisMetric(name: MetricName, statistic = 'Sum', label?: string): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: name,
    dimensionsMap: { service: METRICS_SERVICE },
    statistic,
    period: WINDOW,
    ...(label === undefined ? {} : { label }),
  });
}

function graph(title: string, metrics: IMetric[]): GraphWidget {
  return new GraphWidget({ title, left: metrics, width: 12, height: 6 });
}
