import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { logger } from '#shared/observability/logger';
import { countMetric, METRIC } from '#shared/observability/metrics';
import { acceptStatus } from '#shared/services/acceptStatus';

/** POST /v1/statuses: a recipient reports how far it has handled a document. */
export const handler = apiHandler(async ({ caller, deps, body }) => {
  const result = await acceptStatus(deps, caller, body);
  if ('pending' in result) {
    // Kept until its document is verified; answered with no document to name.
    logger.info('status kept until its document arrives', {
      messageId: result.messageId,
      statusCode: result.statusCode,
      duplicate: result.duplicate,
    });
    return jsonResponse(202, { messageId: result.messageId, pending: true });
  }
  if (!result.duplicate) countMetric(METRIC.statusesAccepted);
  logger.info('status accepted', {
    documentId: result.documentId,
    messageId: result.messageId,
    statusCode: result.statusCode,
    duplicate: result.duplicate,
  });
  return jsonResponse(202, result);
});
