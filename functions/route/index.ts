import type { RouteRequest } from '../../shared/domain/ports';
import { logger } from '../../shared/observability/logger';
import { hasStringFields, sqsHandler } from '../../shared/queue/sqsHandler';
import { routeMessage } from '../../shared/services/routeMessage';

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
  };
  const outcome = await routeMessage(routeDeps, body, receiveCount);
  logger.info('message routed', {
    documentId: body.documentId,
    messageId: body.messageId,
    agencyId: body.recipientId,
    outcome,
  });
});
