import { AxisError } from '../domain/AxisError';
import { isAxisId } from '../domain/ids';
import type { Clock, InboxStore } from '../domain/ports';
import type { Agency, InboxAcknowledgement, InboxItem } from '../domain/records';
import { type AcknowledgementBody, acknowledgementBody, parseRequestPart } from '../http/schemas';

/** Longest failure reason the axis stores: enough for an operator, no room for documents. */
export { ACK_REASON_MAX } from '../http/schemas';

export type AcknowledgementRequest = AcknowledgementBody;

const SECONDS_PER_DAY = 86_400;

/**
 * Reads `{"result":"done"}` or `{"result":"failed","reason":"…"}` against
 * the route's schema. Anything else is refused whole, so a typo never passes
 * for an acknowledgement. The reason is never put in an error message: it is
 * the agency's text.
 */
export function parseAcknowledgement(body: Uint8Array): AcknowledgementRequest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw new AxisError('INVALID_PARAMETER', 'the body must be JSON');
  }
  // Checked apart from the schema, so `null` or `[]` get a plain answer.
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new AxisError('INVALID_PARAMETER', 'the body must be a JSON object');
  }
  return parseRequestPart(acknowledgementBody, value, 'body');
}

/**
 * Records what a pull agency did with one of its inbox items: done takes it
 * out of the pending listing, failed leaves it there and counts the failure.
 * Only the inbox's owner can reach an item: the partition is the caller's.
 */
export async function acknowledgeInboxItem(
  deps: { inbox: InboxStore; clock: Clock; inboxRetentionDays: number },
  caller: Agency,
  messageId: string,
  request: AcknowledgementRequest,
): Promise<InboxItem> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const acknowledgement: InboxAcknowledgement =
    request.result === 'done'
      ? { result: 'done', at, expiresAt: expiryOf(now, deps.inboxRetentionDays) }
      : { ...request, at };
  const item = isAxisId(messageId)
    ? await deps.inbox.acknowledge(caller.agencyId, messageId, acknowledgement)
    : undefined;
  if (!item) {
    throw new AxisError('NOT_FOUND', `no message ${messageId} in the inbox of ${caller.agencyId}`);
  }
  return item;
}

/**
 * A done item is kept `retentionDays` after its acknowledgement, so the
 * record stays readable for a while, then DynamoDB's TTL removes it and the
 * inbox partition does not grow without end. Epoch seconds, as TTL reads it.
 */
export function expiryOf(acknowledgedAt: Date, retentionDays: number): number {
  return Math.floor(acknowledgedAt.getTime() / 1000) + retentionDays * SECONDS_PER_DAY;
}
