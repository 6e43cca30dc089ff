import type { Clock, ExchangeStore, RouteRequest, WorkQueue } from '../domain/ports';
import type { DocumentRecord, PendingStatus } from '../domain/records';
import { isProcessingStatus, TAKE_BACK_REQUEST } from '../domain/statusCodes';
import { advanceProgress } from './statusProgress';

export interface ApplyPendingDeps {
  readonly exchange: ExchangeStore;
  readonly routeQueue: WorkQueue<RouteRequest>;
  readonly clock: Clock;
}

export interface ApplyPendingOutcome {
  readonly applied: readonly string[];
  readonly dropped: readonly string[];
}

/**
 * Applies the statuses that waited for this document, by the rules of
 * statuses reported live: a processing status (01-06) from a recipient goes
 * into the history, moves its progress and is routed to the sender; a
 * take-back request (13) from the sender is routed to every recipient; an
 * answer to it (15, 16) from a recipient goes to the sender once a 13 is on
 * record. Anything else is kept as dropped, with the reason. They are taken
 * in arrival order, so an early 05 and a late 01 end where they would have
 * had they come live, and a 13 kept before its answers is applied first.
 *
 * Every step repeats safely: the message and history writes are keyed by the
 * message id, progress treats a repeat as a duplicate, delivery skips what
 * already arrived, and the waiting record goes last. A crash in between
 * therefore repeats the step, never loses or doubles it.
 */
export async function applyPendingStatuses(
  deps: ApplyPendingDeps,
  document: DocumentRecord,
): Promise<ApplyPendingOutcome> {
  // By DocumentId, or by code for a status whose DocumentId matches nothing
  // (a renumbered resend), as for statuses reported live.
  const found = await deps.exchange.findPendingStatuses(
    document.fromOrganId,
    document.edxmlDocumentId,
    document.codeKey,
  );
  const waiting = found
    .filter((pending) => pending.state === 'pending')
    .sort(
      (a, b) => a.receivedAt.localeCompare(b.receivedAt) || a.messageId.localeCompare(b.messageId),
    );

  const applied: string[] = [];
  const dropped: string[] = [];
  for (const pending of waiting) {
    const refusal = await refusalOf(deps.exchange, document, pending);
    if (refusal === undefined) {
      await applyOne(deps, document, pending);
      applied.push(pending.messageId);
    } else {
      await deps.exchange.dropPendingStatus(pending, {
        ...refusal,
        documentId: document.documentId,
        at: deps.clock.now().toISOString(),
      });
      dropped.push(pending.messageId);
    }
  }
  return { applied, dropped };
}

/** Why a kept status cannot apply to this document, or undefined when it can. */
async function refusalOf(
  exchange: ExchangeStore,
  document: DocumentRecord,
  pending: PendingStatus,
): Promise<{ code: string; message: string } | undefined> {
  const about = `document ${document.edxmlDocumentId} from ${document.fromOrganId}`;
  if (pending.statusCode === TAKE_BACK_REQUEST) {
    return pending.agencyId === document.fromOrganId
      ? undefined
      : {
          code: 'SENDER_MISMATCH',
          message: `only the sender of ${about} may ask to take it back`,
        };
  }
  if (!document.recipients.includes(pending.agencyId)) {
    return {
      code: 'NOT_A_RECIPIENT',
      message: `${pending.agencyId} is not a recipient of ${about}`,
    };
  }
  if (isProcessingStatus(pending.statusCode)) return undefined;
  // 15 or 16: an answer needs a take-back request on record, kept ones included.
  const { statuses } = await exchange.getTimeline(document.documentId);
  const requested = statuses.some(
    (recorded) =>
      recorded.statusCode === TAKE_BACK_REQUEST && recorded.agencyId === document.fromOrganId,
  );
  return requested
    ? undefined
    : {
        code: 'NO_TAKE_BACK_REQUESTED',
        message:
          `status ${pending.statusCode} answers a take-back request (13) of ${about}, ` +
          'and none was made',
      };
}

async function applyOne(
  deps: ApplyPendingDeps,
  document: DocumentRecord,
  pending: PendingStatus,
): Promise<void> {
  // A take-back request goes to the recipients; everything else to the sender.
  const addressees =
    pending.statusCode === TAKE_BACK_REQUEST ? document.recipients : [document.senderId];
  await deps.exchange.putMessage({
    messageId: pending.messageId,
    kind: 'status',
    documentId: document.documentId,
    from: pending.agencyId,
    to: addressees,
    payloadKey: pending.payloadKey,
    sha256: pending.sha256,
    size: pending.size,
    createdAt: pending.receivedAt,
    statusCode: pending.statusCode,
  });
  const outcome = await deps.exchange.addStatus({
    documentId: document.documentId,
    messageId: pending.messageId,
    agencyId: pending.agencyId,
    statusCode: pending.statusCode,
    receivedAt: pending.receivedAt,
    ...(pending.description ? { description: pending.description } : {}),
    ...(pending.reportedAt ? { reportedAt: pending.reportedAt } : {}),
  });
  if (isProcessingStatus(pending.statusCode)) {
    await advanceProgress(
      deps,
      document.documentId,
      pending.agencyId,
      pending.statusCode,
      outcome === 'exists',
    );
  }
  await deps.routeQueue.send(
    addressees.map((recipientId) => ({
      documentId: document.documentId,
      messageId: pending.messageId,
      recipientId,
    })),
  );
  await deps.exchange.removePendingStatus(pending);
}
