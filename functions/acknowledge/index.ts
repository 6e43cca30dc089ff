import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { acknowledgeParams, parseRequestPart } from '#shared/http/schemas';
import { acknowledgeInboxItem, parseAcknowledgement } from '#shared/services/acknowledgeInbox';

/** POST /v1/inbox/{messageId}/ack: the caller is done with an item, or failed at it. */
export const handler = apiHandler(async ({ caller, deps, pathParameters, body }) => {
  // No message id in the path names no item: NOT_FOUND, as for an unknown one.
  const { messageId } = parseRequestPart(acknowledgeParams, pathParameters, 'path', 'NOT_FOUND');
  const item = await acknowledgeInboxItem(
    { inbox: deps.inbox, clock: deps.clock, inboxRetentionDays: deps.inboxRetentionDays },
    caller,
    messageId,
    parseAcknowledgement(body),
  );
  return jsonResponse(200, item);
});
