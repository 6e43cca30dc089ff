import { AxisError } from '../domain/AxisError';
import { isAxisId } from '../domain/ids';
import type { ExchangeStore, InboxStore, PayloadStore } from '../domain/ports';
import type { Agency, InboxItem, MessageRecord } from '../domain/records';

/**
 * What an agency may read: its own inbox, and the bytes of messages it sent
 * or received. Anything else answers NOT_FOUND, the same as an id that does
 * not exist, so one agency cannot learn what another has.
 */

export const INBOX_PAGE_MAX = 100;

export async function readInbox(
  inbox: InboxStore,
  caller: Agency,
  query: { limit?: string; cursor?: string },
): Promise<{ items: InboxItem[]; cursor?: string }> {
  const limit = query.limit === undefined ? INBOX_PAGE_MAX : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > INBOX_PAGE_MAX) {
    throw new AxisError(
      'INVALID_PARAMETER',
      `limit must be a whole number from 1 to ${INBOX_PAGE_MAX}`,
    );
  }
  return inbox.list(caller.agencyId, { limit, cursor: query.cursor });
}

export interface DownloadedMessage {
  readonly message: MessageRecord;
  readonly bytes: Uint8Array;
}

export async function downloadMessage(
  deps: { exchange: ExchangeStore; payloads: PayloadStore },
  caller: Agency,
  messageId: string,
): Promise<DownloadedMessage> {
  const message = isAxisId(messageId) ? await deps.exchange.getMessage(messageId) : undefined;
  if (!message || !(await mayRead(deps.exchange, caller, message))) {
    throw new AxisError('NOT_FOUND', `no message ${messageId} is visible to ${caller.agencyId}`);
  }
  const bytes = await deps.payloads.get(message.payloadKey);
  return { message, bytes };
}

/**
 * The sender may always read what it sent; an addressee only what the axis
 * delivered, which for a document means one that passed verification.
 */
async function mayRead(
  exchange: ExchangeStore,
  caller: Agency,
  message: MessageRecord,
): Promise<boolean> {
  if (message.from === caller.agencyId) return true;
  if (!message.to.includes(caller.agencyId)) return false;
  if (message.kind !== 'document') return true;
  return (await exchange.getDocument(message.documentId))?.state === 'verified';
}
