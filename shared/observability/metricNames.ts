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
  /**
   * Published by the route step after each delivery attempt: that agency's
   * consecutive failed deliveries, with no agency dimension, so the metric's
   * Maximum says whether any agency is failing without one alarm per agency.
   */
  agencyConsecutiveFailures: 'AgencyConsecutiveFailures',
  /** 1 when the scheduled health check finds a failing component, 0 when all are ok. */
  healthCheckFailed: 'HealthCheckFailed',
  /** 1 per successful poll of the national axis; its absence means the link is down. */
  nationalFetchSucceeded: 'NationalFetchSucceeded',
  /** Calls to the national axis that failed. */
  nationalLinkFailures: 'NationalLinkFailures',
  /** Items fetched from the national axis for this axis's agencies. */
  nationalItemsFetched: 'NationalItemsFetched',
  /** Documents and statuses forwarded to the national axis. */
  nationalForwarded: 'NationalForwarded',
} as const;

export type MetricName = (typeof METRIC)[keyof typeof METRIC];
