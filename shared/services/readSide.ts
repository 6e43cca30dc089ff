import { AxisError } from '../domain/AxisError';
import { isAxisId } from '../domain/ids';
import type {
  Clock,
  ConnectionLog,
  ExchangeStore,
  InboxStore,
  PayloadStore,
} from '../domain/ports';
import type { Agency, InboxItem, MessageRecord } from '../domain/records';
import { logger } from '../observability/logger';

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

export interface InboxListingDeps {
  readonly inbox: InboxStore;
  readonly connections: ConnectionLog;
  readonly clock: Clock;
}

/**
 * An agency lists its inbox: {@link readInbox}, and for a pull agency the
 * poll is recorded, since its listings are how operators know it is alive
 * (see connectionState.ts). The record is written alongside the listing, not
 * before it, and a failure to write it is logged, never the agency's
 * problem: the listing is answered all the same.
 */
export async function listInbox(
  deps: InboxListingDeps,
  caller: Agency,
  query: { limit?: string; cursor?: string },
): Promise<{ items: InboxItem[]; cursor?: string }> {
  const poll = caller.channel.mode === 'inbox' ? recordPoll(deps, caller.agencyId) : undefined;
  const [page] = await Promise.all([readInbox(deps.inbox, caller, query), poll]);
  return page;
}

async function recordPoll(deps: InboxListingDeps, agencyId: string): Promise<void> {
  try {
    await deps.connections.recordPoll(agencyId, deps.clock.now().toISOString());
  } catch (error) {
    logger.warn('inbox poll not recorded', {
      agencyId,
      error: error instanceof Error ? error.name : 'unknown',
    });
  }
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
