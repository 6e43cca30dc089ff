import { AxisError } from '#shared/domain/AxisError';
import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { acknowledgeInboxItem, parseAcknowledgement } from '#shared/services/acknowledgeInbox';

/** POST /v1/inbox/{messageId}/ack: the caller is done with an item, or failed at it. */
export const handler = apiHandler(async ({ caller, deps, pathParameters, body }) => {
  const messageId = pathParameters.messageId;
  if (!messageId) throw new AxisError('NOT_FOUND', 'no message id in the path');
  const item = await acknowledgeInboxItem(deps, caller, messageId, parseAcknowledgement(body));
  return jsonResponse(200, item);
});
