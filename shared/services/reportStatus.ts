import { AxisError } from '../domain/AxisError';
import { sha256Hex, statusMessageIdFor } from '../domain/ids';
import type { Clock, ExchangeStore, PayloadStore, RouteRequest, WorkQueue } from '../domain/ports';
import { type Agency, type DocumentRecord, speaksFor } from '../domain/records';
import { advancesStatus, isProcessingStatus, statusInfo } from '../domain/statusCodes';
import { parseStatus } from '../edxml/parseEdxml';
import type { EdxmlStatus } from '../edxml/types';

export interface ReportStatusDeps {
  readonly exchange: ExchangeStore;
  readonly payloads: PayloadStore;
  readonly routeQueue: WorkQueue<RouteRequest>;
  readonly clock: Clock;
}

export interface ReportStatusResult {
  readonly messageId: string;
  readonly documentId: string;
  readonly statusCode: string;
  /** The recipient's current status after this report. */
  readonly currentStatus: string;
  readonly duplicate: boolean;
}

/** Conditional writes lost to a concurrent report before giving up. */
const MAX_PROGRESS_ATTEMPTS = 5;

/**
 * Takes a processing status from a recipient of a document, records it and
 * sends it on to the document's sender.
 *
 * The status finds its document through `ResponseFor` (sender's OrganId and
 * the edXML DocumentId). Only a recipient of that document may report on it.
 * Every status is kept in the history; the recipient's current status only
 * moves forward, settled by conditional writes when reports race.
 */
export async function reportStatus(
  deps: ReportStatusDeps,
  caller: Agency,
  body: Uint8Array,
): Promise<ReportStatusResult> {
  const status = parseStatus(body);
  const document = await checkStatus(deps.exchange, caller, status);
  // The recipient that reports: the caller itself or a unit it speaks for.
  const reporter = status.from.organId;

  const sha256 = sha256Hex(body);
  const messageId = statusMessageIdFor(reporter, sha256);
  // A retry of the same bytes keeps the first arrival's record and time.
  const previous = await deps.exchange.getMessage(messageId);
  const receivedAt = previous?.createdAt ?? deps.clock.now().toISOString();
  if (!previous) {
    const payloadKey = `statuses/${messageId}.edxml`;
    await deps.payloads.put(payloadKey, body);
    await deps.exchange.putMessage({
      messageId,
      kind: 'status',
      documentId: document.documentId,
      from: reporter,
      to: [document.senderId],
      payloadKey,
      sha256,
      size: body.byteLength,
      createdAt: receivedAt,
      statusCode: status.statusCode,
    });
  }
  const outcome = await deps.exchange.addStatus({
    documentId: document.documentId,
    messageId,
    agencyId: reporter,
    statusCode: status.statusCode,
    receivedAt,
    ...(status.description ? { description: status.description } : {}),
    ...(status.timestamp ? { reportedAt: status.timestamp } : {}),
  });
  const duplicate = outcome === 'exists';
  const currentStatus = await advanceProgress(deps, document.documentId, status, duplicate);

  // Sent on every time, duplicates included: delivery skips what already
  // arrived, and this covers a first attempt that stopped before queueing.
  await deps.routeQueue.send([
    { documentId: document.documentId, messageId, recipientId: document.senderId },
  ]);
  return {
    messageId,
    documentId: document.documentId,
    statusCode: status.statusCode,
    currentStatus,
    duplicate,
  };
}

async function checkStatus(
  exchange: ExchangeStore,
  caller: Agency,
  status: EdxmlStatus,
): Promise<DocumentRecord> {
  const reporter = status.from.organId;
  if (!speaksFor(caller, reporter)) {
    throw new AxisError(
      'SENDER_MISMATCH',
      `From/OrganId is ${reporter}, which ${caller.agencyId} may not report for`,
    );
  }
  if (!statusInfo(status.statusCode)) {
    throw new AxisError('INVALID_STATUS_CODE', `${status.statusCode} is not a QCVN 102 status`);
  }
  if (!isProcessingStatus(status.statusCode)) {
    throw new AxisError(
      'UNSUPPORTED_STATUS_CODE',
      `status ${status.statusCode} is not accepted here yet; report 01 to 06`,
    );
  }
  const { organId, documentId: edxmlId } = status.responseFor;
  const ids = await exchange.findDocumentsByEdxmlId(organId, edxmlId);
  // Only a verified document was ever delivered, so only such a one can be
  // reported on: a newer one with the same DocumentId may still be waiting.
  const candidates = (await Promise.all(ids.map((id) => exchange.getDocument(id)))).filter(
    (found): found is DocumentRecord => found !== undefined && found.state === 'verified',
  );
  if (candidates.length === 0) {
    throw new AxisError(
      'UNKNOWN_DOCUMENT',
      `no document ${edxmlId} from ${organId} was delivered through this axis`,
    );
  }
  // Senders reuse DocumentIds: the newest one this reporter received is meant.
  const document = candidates.find((found) => found.recipients.includes(reporter)) ?? candidates[0];
  if (!document.recipients.includes(reporter)) {
    throw new AxisError(
      'NOT_A_RECIPIENT',
      `${reporter} is not a recipient of document ${edxmlId} from ${organId}`,
    );
  }
  return document;
}

async function advanceProgress(
  deps: ReportStatusDeps,
  documentId: string,
  status: EdxmlStatus,
  duplicate: boolean,
): Promise<string> {
  const reporter = status.from.organId;
  for (let attempt = 0; attempt < MAX_PROGRESS_ATTEMPTS; attempt++) {
    const current = await deps.exchange.getProgress(documentId, reporter);
    // A retried report already applied must not move a repeatable 05 again;
    // one whose first attempt stopped before this point still applies.
    if (duplicate && current?.statusCode === status.statusCode) return current.statusCode;
    if (!advancesStatus(current?.statusCode, status.statusCode)) {
      return current?.statusCode ?? status.statusCode;
    }
    const version = current?.version ?? 0;
    const written = await deps.exchange.putProgress(
      {
        documentId,
        agencyId: reporter,
        statusCode: status.statusCode,
        updatedAt: deps.clock.now().toISOString(),
        version: version + 1,
      },
      version,
    );
    if (written) return status.statusCode;
  }
  throw new Error(`status of ${documentId} for ${reporter} kept changing under us`);
}
