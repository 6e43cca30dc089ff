import { apiHandler } from '../../shared/http/apiHandler';
import { jsonResponse } from '../../shared/http/responses';
import { logger } from '../../shared/observability/logger';
import { submitDocument } from '../../shared/services/submitDocument';

/** POST /v1/documents: an agency sends an edXML document. */
export const handler = apiHandler(async ({ caller, deps, body }) => {
  const result = await submitDocument(deps, caller, body);
  logger.info('document accepted', {
    documentId: result.documentId,
    recipients: result.recipients.length,
    duplicate: result.duplicate,
    bytes: body.byteLength,
  });
  return jsonResponse(202, {
    documentId: result.documentId,
    recipients: result.recipients,
    duplicate: result.duplicate,
  });
});
