import type { RouteRequest } from '#shared/domain/ports';
import { NATIONAL_AXIS_CONNECTION } from '#shared/domain/records';
import { logger } from '#shared/observability/logger';
import { countMetric, countMetricBy, METRIC } from '#shared/observability/metrics';
import { hasStringFields, sqsHandler } from '#shared/queue/sqsHandler';
import type { Dependencies } from '#shared/runtime/dependencies';
import { connectionOf, DeliveryInProgressError, routeMessage } from '#shared/services/routeMessage';

const parse = (value: unknown): RouteRequest | undefined =>
  hasStringFields(value, ['documentId', 'messageId', 'recipientId'])
    ? { documentId: value.documentId, messageId: value.messageId, recipientId: value.recipientId }
    : undefined;

/** Route queue consumer: delivers one message to one agency. */
export const handler = sqsHandler(parse, async ({ body, deps, receiveCount }) => {
  // Named one by one: spreading `deps` would build every adapter, including
  // queues this function has no settings for when deployed.
  const routeDeps = {
    directory: deps.directory,
    exchange: deps.exchange,
    payloads: deps.payloads,
    inbox: deps.inbox,
    webhook: deps.webhook,
    signer: deps.signer,
    clock: deps.clock,
    maxReceiveCount: deps.routeMaxReceiveCount,
    leaseMs: deps.deliveryLeaseMs,
    connections: deps.connections,
    nationalDirectory: deps.nationalDirectory,
    national: deps.national,
  };
  const outcome = await routeMessage(routeDeps, body, receiveCount).catch(
    async (error: unknown) => {
      countDeliveryFailure(error, body.recipientId, receiveCount >= routeDeps.maxReceiveCount);
      await publishConsecutiveFailures(deps, body.recipientId);
      throw error;
    },
  );
  if (outcome === 'delivered') {
    countMetric(METRIC.deliveriesSucceeded);
    const connection = await connectionOf(deps, body.recipientId);
    if (connection === NATIONAL_AXIS_CONNECTION) countMetric(METRIC.nationalForwarded);
    // A success brings the agency's run of failures back to 0 for the alarm.
    countMetric(METRIC.agencyConsecutiveFailures, 0);
  }
  logger.info('message routed', {
    documentId: body.documentId,
    messageId: body.messageId,
    agencyId: body.recipientId,
    outcome,
  });
});

/**
 * A failed attempt, in total and per recipient agency, so operators see which
 * agency's endpoint is failing; the last allowed attempt also counts as
 * dead-lettered. Another worker holding the delivery is no failure.
 */
function countDeliveryFailure(error: unknown, agencyId: string, last: boolean): void {
  if (error instanceof DeliveryInProgressError) return;
  countMetric(METRIC.deliveriesFailed);
  countMetricBy(METRIC.deliveriesFailed, 'agencyId', agencyId);
  if (last) countMetric(METRIC.deliveriesDeadLettered);
}

/**
 * The failing connection's run of consecutive failures, for the alarm on
 * any agency failing; the agency id goes to the log, not to a dimension.
 */
async function publishConsecutiveFailures(deps: Dependencies, recipientId: string): Promise<void> {
  const connection = await connectionOf(deps, recipientId);
  const record = await deps.connections.get(connection);
  if (record === undefined) return;
  countMetric(METRIC.agencyConsecutiveFailures, record.consecutiveFailures);
  if (connection === NATIONAL_AXIS_CONNECTION) countMetric(METRIC.nationalLinkFailures);
  logger.warn('delivery failing', {
    agencyId: recipientId,
    connection,
    consecutiveFailures: record.consecutiveFailures,
  });
}
