import { publicApiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { publishKeys } from '#shared/services/publishKeys';

/** GET /.well-known/jwks.json: the axis's public signing keys, for anyone. */
export const handler = publicApiHandler(async (deps) => {
  const response = jsonResponse(200, await publishKeys(deps.publicKeys));
  // Public and slow to change: caches may keep it, and a rotation keeps old keys listed.
  response.headers = { ...response.headers, 'cache-control': 'public, max-age=300' };
  return response;
});
