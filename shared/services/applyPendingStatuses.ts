import type { Clock, ExchangeStore, RouteRequest, WorkQueue } from '../domain/ports';
import type { DocumentRecord, PendingStatus } from '../domain/records';
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
 * Applies the statuses that waited for this document: each one from a
 * recipient goes into the history, moves its progress by the usual rules and
 * is routed to the sender; one from anyone else is kept as dropped with the
 * reason. They are taken in arrival order, so an early 05 and a late 01 end
 * where they would have had they come live.
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
    if (document.recipients.includes(pending.agencyId)) {
      await applyOne(deps, document, pending);
      applied.push(pending.messageId);
    } else {
      await deps.exchange.dropPendingStatus(pending, {
        code: 'NOT_A_RECIPIENT',
        message:
          `${pending.agencyId} is not a recipient of document ${document.edxmlDocumentId} ` +
          `from ${document.fromOrganId}`,
        documentId: document.documentId,
        at: deps.clock.now().toISOString(),
      });
      dropped.push(pending.messageId);
    }
  }
  return { applied, dropped };
}

async function applyOne(
  deps: ApplyPendingDeps,
  document: DocumentRecord,
  pending: PendingStatus,
): Promise<void> {
  await deps.exchange.putMessage({
    messageId: pending.messageId,
    kind: 'status',
    documentId: document.documentId,
    from: pending.agencyId,
    to: [document.senderId],
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
  await advanceProgress(
    deps,
    document.documentId,
    pending.agencyId,
    pending.statusCode,
    outcome === 'exists',
  );
  await deps.routeQueue.send([
    {
      documentId: document.documentId,
      messageId: pending.messageId,
      recipientId: document.senderId,
    },
  ]);
  await deps.exchange.removePendingStatus(pending);
}
