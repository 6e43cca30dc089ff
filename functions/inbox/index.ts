import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { readInbox } from '#shared/services/readSide';

/** GET /v1/inbox: documents and statuses the calling agency has not acknowledged as done. */
export const handler = apiHandler(async ({ caller, deps, query }) => {
  const page = await readInbox(deps.inbox, caller, query);
  return jsonResponse(200, page);
});
