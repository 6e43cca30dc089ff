import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { agenciesQuery, agencyParams, parseRequestPart } from '#shared/http/schemas';
import { getAgency, listAgencies } from '#shared/services/agencyLookup';

/**
 * GET /v1/agencies and GET /v1/agencies/{agencyId}: the national directory,
 * open to every authenticated agency so it can address its documents.
 */
export const handler = apiHandler(async ({ deps, pathParameters, query }) => {
  if (pathParameters.agencyId !== undefined) {
    // A path that names nothing is answered like an agency nobody knows.
    const { agencyId } = parseRequestPart(agencyParams, pathParameters, 'path', 'NOT_FOUND');
    return jsonResponse(200, await getAgency(deps, agencyId));
  }
  const { prefix, limit, cursor } = parseRequestPart(agenciesQuery, query, 'query');
  return jsonResponse(200, await listAgencies(deps, { prefix, limit: String(limit), cursor }));
});
