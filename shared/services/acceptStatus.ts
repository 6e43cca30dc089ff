import { AxisError, isAxisError } from '../domain/AxisError';
import { codeKeyFor } from '../domain/correlation';
import { sha256Hex, statusMessageIdFor } from '../domain/ids';
import type { ExchangeStore } from '../domain/ports';
import type { Agency } from '../domain/records';
import { TAKE_BACK_REQUEST } from '../domain/statusCodes';
import { parseStatus } from '../edxml/parseEdxml';
import type { EdxmlStatus } from '../edxml/types';
import { applyPendingStatuses } from './applyPendingStatuses';
import { findStatusDocument } from './findStatusDocument';
import { type ReportStatusDeps, type ReportStatusResult, reportStatus } from './reportStatus';

/** A status kept until its document is verified (answered `202 {messageId, pending}`). */
export interface PendingStatusResult {
  readonly messageId: string;
  readonly statusCode: string;
  readonly pending: true;
  readonly duplicate: boolean;
}

/** Statuses that may wait on one (ResponseFor OrganId, DocumentId) at a time. */
export const MAX_PENDING_PER_DOCUMENT = 100;

/**
 * What `POST /v1/statuses` does: {@link reportStatus}, except that a status
 * whose document is not verified yet (unknown, or still being checked) is
 * kept and applied when it is (see {@link applyPendingStatuses}): recipients
 * may answer, and senders ask to take back, before the axis has finished with
 * the document. The caller and the status code are checked as always; whether
 * the reporter is a recipient (or, for 13, the sender) is checked when it
 * applies.
 *
 * @throws AxisError as reportStatus, and TOO_MANY_PENDING_STATUSES past
 *   {@link MAX_PENDING_PER_DOCUMENT}
 */
export async function acceptStatus(
  deps: ReportStatusDeps,
  caller: Agency,
  body: Uint8Array,
): Promise<ReportStatusResult | PendingStatusResult> {
  try {
    return await reportStatus(deps, caller, body);
  } catch (error) {
    // Refused for not knowing the document: the status itself parsed and passed.
    if (!isAxisError(error) || error.code !== 'UNKNOWN_DOCUMENT') throw error;
    const status = parseStatus(body);
    if (!(await awaitsDocument(deps.exchange, status))) throw error;
    return holdStatus(deps, status, body);
  }
}

/**
 * Whether a refusal only means the document is not verified yet: no
 * document the status names was refused outright, which would never be
 * delivered.
 */
async function awaitsDocument(exchange: ExchangeStore, status: EdxmlStatus): Promise<boolean> {
  const { documentId, code, promulgationDate } = status.responseFor;
  const organId = senderOrganOf(status);
  const codeKey = codeKeyFor(organId, code, promulgationDate);
  const ids = [
    ...(await exchange.findDocumentsByEdxmlId(organId, documentId)),
    ...(codeKey ? await exchange.findDocumentsByCode(codeKey) : []),
  ];
  if (ids.length === 0) return true;
  const states = await Promise.all(ids.map(async (id) => (await exchange.getDocument(id))?.state));
  return states.includes('received');
}

/**
 * Keeps the status and its exact bytes until its document is verified. The
 * document may be verified while this runs, after its own look for waiting
 * statuses; so the document is looked for once more and, when found, the
 * status is applied now.
 */
async function holdStatus(
  deps: ReportStatusDeps,
  status: EdxmlStatus,
  body: Uint8Array,
): Promise<PendingStatusResult> {
  const reporter = status.from.organId;
  const sha256 = sha256Hex(body);
  const messageId = statusMessageIdFor(reporter, sha256);
  const payloadKey = `statuses/${messageId}.edxml`;
  const { documentId, code, promulgationDate } = status.responseFor;
  const organId = senderOrganOf(status);
  const codeKey = codeKeyFor(organId, code, promulgationDate);
  // Bytes first, so a kept status never points at nothing.
  await deps.payloads.put(payloadKey, body);
  const outcome = await deps.exchange.addPendingStatus(
    {
      messageId,
      agencyId: reporter,
      statusCode: status.statusCode,
      ...(status.description ? { description: status.description } : {}),
      ...(status.timestamp ? { reportedAt: status.timestamp } : {}),
      receivedAt: deps.clock.now().toISOString(),
      payloadKey,
      sha256,
      size: body.byteLength,
      responseForOrganId: organId,
      responseForDocumentId: documentId,
      ...(codeKey ? { codeKey } : {}),
      state: 'pending',
    },
    MAX_PENDING_PER_DOCUMENT,
  );
  if (outcome === 'full') {
    throw new AxisError(
      'TOO_MANY_PENDING_STATUSES',
      `${MAX_PENDING_PER_DOCUMENT} statuses already wait for document ${documentId} from ` +
        `${organId}; send again once it has been delivered`,
    );
  }
  const arrived = await findStatusDocument(deps.exchange, status).catch(() => undefined);
  if (arrived) await applyPendingStatuses(deps, arrived);
  return {
    messageId,
    statusCode: status.statusCode,
    pending: true,
    duplicate: outcome === 'exists',
  };
}

/**
 * The OrganId of the document's sender, under which a waiting status is kept
 * and found again: `ResponseFor/OrganId`, except for a take-back request (13),
 * which comes from the sender itself and whose `ResponseFor` often names the
 * recipient instead (the standard's own sample does).
 */
function senderOrganOf(status: EdxmlStatus): string {
  return status.statusCode === TAKE_BACK_REQUEST ? status.from.organId : status.responseFor.organId;
}
