import { AxisError } from '#shared/domain/AxisError';
import { apiHandler } from '#shared/http/apiHandler';
import { jsonResponse } from '#shared/http/responses';
import { logger } from '#shared/observability/logger';
import { countMetric, countMetricBy, METRIC } from '#shared/observability/metrics';
import { submitDocument } from '#shared/services/submitDocument';

/** POST /v1/documents: an agency sends an edXML document. */
export const handler = apiHandler(async ({ caller, deps, body }) => {
  const submitDeps = {
    directory: deps.directory,
    payloads: deps.payloads,
    exchange: deps.exchange,
    verifyQueue: deps.verifyQueue,
    clock: deps.clock,
    // Recipients known only nationally are accepted when the link exists.
    nationalLinked: deps.nationalLinked,
    nationalDirectory: deps.nationalDirectory,
  };
  const result = await submitDocument(submitDeps, caller, body).catch((error: unknown) => {
    // A refused document is counted by the reason's code, never by its content.
    if (error instanceof AxisError) {
      countMetric(METRIC.documentsRejected);
      countMetricBy(METRIC.documentsRejected, 'code', error.code);
    }
    throw error;
  });
  // A resent duplicate is answered but was accepted once already.
  if (!result.duplicate) countMetric(METRIC.documentsAccepted);
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
