import { checkHealth, type HealthProbe, type HealthReport } from '#shared/observability/health';
import { logger } from '#shared/observability/logger';
import { countMetric, METRIC } from '#shared/observability/metrics';
import { scheduledHandler } from '#shared/runtime/scheduledHandler';
import { probesFromEnvironment } from '../health/probes';

/**
 * Builds the scheduled health monitor over a set of probes (fakes in tests).
 *
 * It runs the checks of GET /v1/health on a schedule and publishes the
 * outcome as `HealthCheckFailed` (1 failing, 0 all ok), so the health alarm
 * fires even when nobody polls the endpoint. The metric is published on every
 * run, ok included: the alarm treats a missing value as trouble, because a
 * monitor that stopped running watches nothing.
 *
 * A failing component is the monitor's finding, not its failure: the run
 * ends normally, so the function's own error alarm keeps meaning that the
 * monitor itself broke.
 */
export function healthMonitorHandler(probes: () => readonly HealthProbe[]) {
  return scheduledHandler('health-monitor', async (): Promise<HealthReport> => {
    const { report, failures } = await checkHealth(probes());
    countMetric(METRIC.healthCheckFailed, report.status === 'ok' ? 0 : 1);
    if (failures.length > 0) {
      logger.warn('health check failing', {
        components: failures.map((failure) => failure.name),
      });
      // One line per component with its reason, as the health endpoint logs them.
      for (const failure of failures) logger.warn('component failing', failure);
    }
    return report;
  });
}

/** Scheduled (EventBridge): checks every table, queue, the bucket and the key. */
export const handler = healthMonitorHandler(() => probesFromEnvironment());
