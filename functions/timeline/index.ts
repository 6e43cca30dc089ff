import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { documentTimeline } from '#shared/services/documentTimeline';
import { withAcknowledgements } from '#shared/services/timelineAcknowledgements';

/** GET /v1/documents/{documentId}: deliveries and statuses of one document. */
export const handler = apiHandler(async ({ caller, deps, pathParameters }) => {
  const timeline = await documentTimeline(deps.exchange, caller, pathParameters.documentId ?? '');
  return jsonResponse(200, await withAcknowledgements(deps.inbox, timeline));
});
