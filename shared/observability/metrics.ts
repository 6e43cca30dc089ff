import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MiddlewareObj } from '@middy/core';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricName } from './metricNames';

/**
 * The axis's business metrics, as CloudWatch Embedded Metric Format lines on
 * stdout: Lambda ships them to CloudWatch Logs, which turns them into metrics
 * without a PutMetricData call on the request path.
 *
 * Only counts, codes and agency ids go here: never document content, titles,
 * status descriptions or anything about people.
 */
export type { MetricName } from './metricNames';
export { METRIC } from './metricNames';

const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE });

/**
 * Outside Lambda nobody collects EMF lines, and they would bury the demo's
 * and the tests' output; an explicit POWERTOOLS_METRICS_DISABLED (Powertools'
 * own switch) still decides either way.
 */
const disabledSetting = process.env.POWERTOOLS_METRICS_DISABLED?.trim().toLowerCase();
const publishing =
  disabledSetting !== undefined && disabledSetting !== ''
    ? !['true', '1', 'yes', 'on', 'y'].includes(disabledSetting)
    : process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;

/** Counts one occurrence under the service dimension alone; flushed with the invocation. */
export function countMetric(name: MetricName, value = 1): void {
  if (!publishing) return;
  metrics.addMetric(name, MetricUnit.Count, value);
}

/**
 * Counts one occurrence under an extra dimension (a refusal code, an agency
 * id). Published at once as its own EMF line, because the stored metrics of an
 * invocation share one set of dimensions and a batch may touch many agencies.
 */
export function countMetricBy(name: MetricName, dimension: string, value: string): void {
  if (!publishing || value === '') return;
  const single = metrics.singleMetric();
  single.addDimension(dimension, value);
  single.addMetric(name, MetricUnit.Count, 1);
}

/** Writes what the invocation counted; silent when it counted nothing. */
export function flushMetrics(): void {
  if (metrics.hasStoredMetrics()) {
    metrics.publishStoredMetrics();
  }
}

/**
 * Middy middleware flushing metrics once per invocation, on success and on
 * failure. Powertools' own `logMetrics` warns on every invocation that
 * counted nothing, which most reads do.
 */
export function metricsMiddleware<E, R>(): MiddlewareObj<E, R> {
  return {
    after: async () => flushMetrics(),
    onError: async () => flushMetrics(),
  };
}
