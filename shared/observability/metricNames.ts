/*
 * Names of the axis's own metrics, shared by the handlers that publish them
 * and the CDK stack that graphs and alarms on them. Plain data, so the stack
 * does not load the Powertools runtime to learn a name.
 */

export const METRICS_NAMESPACE = 'Lienthong';
/** The value of the `service` dimension Powertools puts on every metric. */
export const METRICS_SERVICE = 'lienthong';

/** Every metric name the axis publishes. */
export const METRIC = {
  documentsAccepted: 'DocumentsAccepted',
  documentsRejected: 'DocumentsRejected',
  statusesAccepted: 'StatusesAccepted',
  deliveriesSucceeded: 'DeliveriesSucceeded',
  deliveriesFailed: 'DeliveriesFailed',
  deliveriesDeadLettered: 'DeliveriesDeadLettered',
  requestsRefused: 'RequestsRefused',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
