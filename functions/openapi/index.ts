import { publicApiHandler } from '#shared/http/apiHandler';
import { buildOpenApiDocument, type OpenApiDocument } from '#shared/http/openapi';
import { jsonResponse } from '#shared/http/responses';

/**
 * The document depends only on code shipped with the function, so it is
 * built once per execution environment, on the first request.
 */
let document: OpenApiDocument | undefined;

/** GET /v1/openapi.json: the API's description, public like the keys. */
export const handler = publicApiHandler(async () => {
  document ??= buildOpenApiDocument();
  const response = jsonResponse(200, document);
  // Changes only with a deployment: caches may keep it a while.
  response.headers = { ...response.headers, 'cache-control': 'public, max-age=300' };
  return response;
});
