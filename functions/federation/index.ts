import { NATIONAL_AXIS_CONNECTION } from '#shared/domain/records';
import { logger } from '#shared/observability/logger';
import { countMetric, METRIC } from '#shared/observability/metrics';
import { scheduledHandler } from '#shared/runtime/scheduledHandler';
import { pollNationalAxis } from '#shared/services/nationalLink';

/**
 * Scheduled poll of the national axis: takes in the documents and statuses
 * it holds for this axis's agencies and acknowledges each one.
 */
export const handler = scheduledHandler('national-poll', async (deps) => {
  const national = deps.national;
  if (!national) {
    // Scheduled only when the stack is linked; a run without a link is a wiring mistake.
    throw new Error('the national axis poll ran, but this axis is not linked to a national axis');
  }
  const report = await pollNationalAxis(
    {
      national,
      connections: deps.connections,
      directory: deps.directory,
      payloads: deps.payloads,
      exchange: deps.exchange,
      verifyQueue: deps.verifyQueue,
      routeQueue: deps.routeQueue,
      clock: deps.clock,
      maxBodyBytes: deps.maxBodyBytes,
    },
    deps.nationalFetchLimit,
  ).catch((error: unknown) => {
    countMetric(METRIC.nationalLinkFailures);
    throw error;
  });
  countMetric(METRIC.nationalFetchSucceeded);
  countMetric(METRIC.nationalItemsFetched, report.accepted);
  // Ids, codes and error names only: what the items say stays out of the logs.
  logger.info('national axis polled', {
    listed: report.listed,
    accepted: report.accepted,
    deferred: report.deferred,
    refused: report.refused,
  });
  if (report.deferred > 0) {
    logger.warn('national axis items left for the next poll', {
      deferred: report.deferredReasons,
    });
    countMetric(METRIC.nationalLinkFailures, report.deferred);
    // The same alarm as an agency whose deliveries keep failing.
    const link = await deps.connections.get(NATIONAL_AXIS_CONNECTION);
    if (link) countMetric(METRIC.agencyConsecutiveFailures, link.consecutiveFailures);
  }
  return report;
});
