import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { getAgency, listAgencies } from '#shared/services/agencyLookup';

/**
 * GET /v1/agencies and GET /v1/agencies/{agencyId}: the national directory,
 * open to every authenticated agency so it can address its documents.
 */
export const handler = apiHandler(async ({ deps, pathParameters, query }) => {
  const agencyId = pathParameters.agencyId;
  if (agencyId !== undefined) return jsonResponse(200, await getAgency(deps, agencyId));
  return jsonResponse(200, await listAgencies(deps, query));
});
