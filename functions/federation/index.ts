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
    },
    deps.nationalFetchLimit,
  ).catch((error: unknown) => {
    countMetric(METRIC.nationalLinkFailures);
    throw error;
  });
  countMetric(METRIC.nationalFetchSucceeded);
  countMetric(METRIC.nationalItemsFetched, report.accepted);
  // Ids and codes only: what the items say stays out of the logs.
  logger.info('national axis polled', {
    listed: report.listed,
    accepted: report.accepted,
    deferred: report.deferred,
    refused: report.refused,
  });
  return report;
});
