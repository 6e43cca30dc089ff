import { AxisError } from '#shared/domain/AxisError';
import { operatorApiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import {
  operatorDocumentParams,
  operatorDocumentsQuery,
  parseRequestPart,
} from '#shared/http/schemas';
import {
  operatorAgencies,
  operatorDocument,
  operatorDocuments,
  operatorQueues,
} from '#shared/services/operatorView';

/**
 * The operator API, behind operator bearer tokens (never agency signatures):
 *
 * - `GET /v1/operator/agencies`: every agency, its channel and connection state
 * - `GET /v1/operator/documents?limit=&cursor=`: recent documents and their recipients
 * - `GET /v1/operator/documents/{documentId}`: one document's whole timeline
 * - `GET /v1/operator/queues`: work and dead-letter queue depths
 *
 * One function answers all four: they share the authentication, the tables
 * and the same few readers. Answer shapes: shared/services/operatorView.ts.
 */
export const handler = operatorApiHandler(async ({ deps, event, pathParameters, query }) => {
  switch (event.routeKey) {
    case 'GET /v1/operator/agencies':
      return jsonResponse(200, await operatorAgencies(deps));
    case 'GET /v1/operator/documents': {
      const page = parseRequestPart(operatorDocumentsQuery, query, 'query');
      return jsonResponse(200, await operatorDocuments(deps, page));
    }
    case 'GET /v1/operator/documents/{documentId}': {
      const { documentId } = parseRequestPart(
        operatorDocumentParams,
        pathParameters,
        'path',
        'NOT_FOUND',
      );
      return jsonResponse(200, await operatorDocument(deps, documentId));
    }
    case 'GET /v1/operator/queues':
      return jsonResponse(200, await operatorQueues(deps));
    default:
      throw new AxisError('ROUTE_NOT_FOUND', `no operator route ${event.routeKey}`);
  }
});
