import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { inboxQuery, parseRequestPart } from '#shared/http/schemas';
import { listInbox } from '#shared/services/readSide';

/** GET /v1/inbox: documents and statuses the calling agency has not acknowledged as done. */
export const handler = apiHandler(async ({ caller, deps, query }) => {
  const { limit, cursor } = parseRequestPart(inboxQuery, query, 'query');
  // The read side takes the query as text; it is passed on already bounded.
  const page = await listInbox(deps, caller, { limit: String(limit), cursor });
  return jsonResponse(200, page);
});
