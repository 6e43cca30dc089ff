import type { DocumentRecord, StatusRecord } from '../domain/records';
import { TAKE_BACK_REQUEST } from '../domain/statusCodes';

/** Where a take-back request (13) stands, as the document's timeline shows it. */
export interface TakeBackView {
  readonly state: 'requested';
  /** When the first request arrived; `requests` lists each one. */
  readonly requestedAt: string;
  readonly requests: ReadonlyArray<{
    readonly messageId: string;
    readonly receivedAt: string;
    readonly description?: string;
  }>;
  /** Recipients whose latest answer is 15. */
  readonly agreedBy: readonly string[];
  /** Recipients whose latest answer is 16. */
  readonly refusedBy: readonly string[];
  /** Recipients that have not answered yet. */
  readonly awaiting: readonly string[];
}

/**
 * Derives a document's take-back state from its status history: requests are
 * the sender's 13s, answers each recipient's latest 15 or 16. Nothing is
 * stored apart from the statuses, so the state can never disagree with them.
 *
 * @param visible the recipients the caller may see (all of them for the sender)
 * @returns undefined when the sender never asked for the document back
 */
export function takeBackView(
  document: DocumentRecord,
  statuses: readonly StatusRecord[],
  visible: readonly string[],
): TakeBackView | undefined {
  const ordered = [...statuses].sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  const requests = ordered.filter(
    (s) => s.statusCode === TAKE_BACK_REQUEST && s.agencyId === document.fromOrganId,
  );
  if (requests.length === 0) return undefined;
  const latest = new Map<string, string>();
  for (const status of ordered) {
    if (status.statusCode === '15' || status.statusCode === '16') {
      latest.set(status.agencyId, status.statusCode);
    }
  }
  const answered = (code: string) => visible.filter((agencyId) => latest.get(agencyId) === code);
  return {
    state: 'requested',
    requestedAt: requests[0].receivedAt,
    requests: requests.map((s) => ({
      messageId: s.messageId,
      receivedAt: s.receivedAt,
      ...(s.description ? { description: s.description } : {}),
    })),
    agreedBy: answered('15'),
    refusedBy: answered('16'),
    awaiting: visible.filter((agencyId) => !latest.has(agencyId)),
  };
}
