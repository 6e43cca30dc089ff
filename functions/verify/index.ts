import type { VerifyRequest } from '#shared/domain/ports';
import { logger } from '#shared/observability/logger';
import { countMetric, METRIC } from '#shared/observability/metrics';
import { hasStringFields, sqsHandler } from '#shared/queue/sqsHandler';
import { verifyDocument } from '#shared/services/verifyDocument';

const parse = (value: unknown): VerifyRequest | undefined =>
  hasStringFields(value, ['documentId']) ? { documentId: value.documentId } : undefined;

/** Verify queue consumer: digest, signature note, receipt, fan-out to recipients. */
export const handler = sqsHandler(parse, async ({ body, deps }) => {
  const started = Date.now();
  const outcome = await verifyDocument(deps, body);
  if (outcome === 'rejected') countMetric(METRIC.documentsRejected);
  logger.info('document verified', {
    documentId: body.documentId,
    outcome,
    durationMs: Date.now() - started,
  });
});
