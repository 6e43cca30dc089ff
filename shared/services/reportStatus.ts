import { AxisError } from '../domain/AxisError';
import { sha256Hex, statusMessageIdFor } from '../domain/ids';
import type { Clock, ExchangeStore, PayloadStore, RouteRequest, WorkQueue } from '../domain/ports';
import { type Agency, type DocumentRecord, speaksFor } from '../domain/records';
import {
  isProcessingStatus,
  isTakeBackAnswer,
  statusInfo,
  TAKE_BACK_REQUEST,
} from '../domain/statusCodes';
import { parseStatus } from '../edxml/parseEdxml';
import type { EdxmlStatus } from '../edxml/types';
import { findStatusDocument } from './findStatusDocument';
import { advanceProgress } from './statusProgress';

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

/**
 * Takes a status about a document, records it and sends it on.
 *
 * Processing statuses (01 to 06) and answers to a take-back request (15
 * agrees, 16 refuses) come from a recipient and go to the document's sender;
 * a take-back request (13) comes from the sender and goes to every recipient.
 * The document is found by `ResponseFor` (see {@link findStatusDocument}).
 * Every status is kept in the history; a recipient's current processing
 * status only moves forward, settled by conditional writes when reports race.
 *
 * @throws AxisError NO_TAKE_BACK_REQUESTED for a 15 or 16 with no 13 before it
 */
export async function reportStatus(
  deps: ReportStatusDeps,
  caller: Agency,
  body: Uint8Array,
): Promise<ReportStatusResult> {
  const status = parseStatus(body);
  const document = await checkStatus(deps.exchange, caller, status);
  // Who reports: the caller itself or a unit it speaks for.
  const reporter = status.from.organId;
  // A take-back request goes to the recipients; everything else to the sender.
  const addressees =
    status.statusCode === TAKE_BACK_REQUEST ? document.recipients : [document.senderId];

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
      to: addressees,
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
  const currentStatus = isProcessingStatus(status.statusCode)
    ? await advanceProgress(deps, document.documentId, reporter, status.statusCode, duplicate)
    : ((await deps.exchange.getProgress(document.documentId, reporter))?.statusCode ??
      status.statusCode);

  // Sent on every time, duplicates included: delivery skips what already
  // arrived, and this covers a first attempt that stopped before queueing.
  await deps.routeQueue.send(
    addressees.map((recipientId) => ({
      documentId: document.documentId,
      messageId,
      recipientId,
    })),
  );
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
  const document = await findStatusDocument(exchange, status);
  if (isTakeBackAnswer(status.statusCode)) {
    const { statuses } = await exchange.getTimeline(document.documentId);
    const requested = statuses.some(
      (recorded) =>
        recorded.statusCode === TAKE_BACK_REQUEST && recorded.agencyId === document.fromOrganId,
    );
    if (!requested) {
      throw new AxisError(
        'NO_TAKE_BACK_REQUESTED',
        `status ${status.statusCode} answers a take-back request (13), and the sender of ` +
          `document ${document.edxmlDocumentId} has sent none`,
      );
    }
  }
  return document;
}
