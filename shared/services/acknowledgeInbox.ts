import { AxisError } from '../domain/AxisError';
import { isAxisId } from '../domain/ids';
import type { Clock, InboxStore } from '../domain/ports';
import type { Agency, InboxAcknowledgement, InboxItem } from '../domain/records';

/** Longest failure reason the axis stores: enough for an operator, no room for documents. */
export const ACK_REASON_MAX = 200;

export type AcknowledgementRequest =
  | { readonly result: 'done' }
  | { readonly result: 'failed'; readonly reason?: string };

/**
 * Reads `{"result":"done"}` or `{"result":"failed","reason":"…"}`. Anything
 * else is refused whole, so a typo never passes for an acknowledgement. The
 * reason is never put in an error message: it is the agency's text.
 */
export function parseAcknowledgement(body: Uint8Array): AcknowledgementRequest {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body).toString('utf8'));
  } catch {
    throw invalid('the body must be JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid('the body must be a JSON object');
  }
  const { result, reason, ...rest } = value as Record<string, unknown>;
  if (Object.keys(rest).length > 0) throw invalid('only result and reason are accepted');
  if (result === 'done') {
    if (reason !== undefined) throw invalid('a reason goes only with result "failed"');
    return { result };
  }
  if (result !== 'failed') throw invalid('result must be "done" or "failed"');
  if (reason === undefined) return { result };
  if (typeof reason !== 'string' || [...reason].length > ACK_REASON_MAX) {
    throw invalid(`reason must be text of at most ${ACK_REASON_MAX} characters`);
  }
  return { result, reason };
}

/**
 * Records what a pull agency did with one of its inbox items: done takes it
 * out of the pending listing, failed leaves it there and counts the failure.
 * Only the inbox's owner can reach an item: the partition is the caller's.
 */
export async function acknowledgeInboxItem(
  deps: { inbox: InboxStore; clock: Clock },
  caller: Agency,
  messageId: string,
  request: AcknowledgementRequest,
): Promise<InboxItem> {
  const at = deps.clock.now().toISOString();
  const acknowledgement: InboxAcknowledgement =
    request.result === 'done' ? { result: 'done', at } : { ...request, at };
  const item = isAxisId(messageId)
    ? await deps.inbox.acknowledge(caller.agencyId, messageId, acknowledgement)
    : undefined;
  if (!item) {
    throw new AxisError('NOT_FOUND', `no message ${messageId} in the inbox of ${caller.agencyId}`);
  }
  return item;
}

function invalid(message: string): AxisError {
  return new AxisError('INVALID_PARAMETER', message);
}
