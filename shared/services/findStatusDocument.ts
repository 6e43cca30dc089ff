import { AxisError } from '../domain/AxisError';
import { codeKeyFor } from '../domain/correlation';
import type { ExchangeStore } from '../domain/ports';
import type { DocumentRecord } from '../domain/records';
import { TAKE_BACK_REQUEST } from '../domain/statusCodes';
import type { EdxmlStatus } from '../edxml/types';

/**
 * The delivered document a status speaks of, checked against who reports it.
 *
 * The status names it through `ResponseFor` (the sender's OrganId and the
 * edXML DocumentId); when no delivered document has that DocumentId, through
 * the sender's OrganId, `Code` and `PromulgationDate`, because senders renumber.
 * A take-back request (13) comes from the document's sender, which some
 * systems name in `From` only, so its own OrganId is tried as well. Every other
 * status must come from a recipient of the document.
 *
 * @throws AxisError UNKNOWN_DOCUMENT, NOT_A_RECIPIENT or SENDER_MISMATCH
 */
export async function findStatusDocument(
  exchange: ExchangeStore,
  status: EdxmlStatus,
): Promise<DocumentRecord> {
  const reporter = status.from.organId;
  const takeBack = status.statusCode === TAKE_BACK_REQUEST;
  const { organId, documentId: edxmlId } = status.responseFor;
  const organs = takeBack ? [...new Set([reporter, organId])] : [organId];
  let candidates = await delivered(
    exchange,
    (
      await Promise.all(organs.map((organ) => exchange.findDocumentsByEdxmlId(organ, edxmlId)))
    ).flat(),
  );
  if (candidates.length === 0) candidates = await byCode(exchange, status, organs);
  if (candidates.length === 0) {
    throw new AxisError(
      'UNKNOWN_DOCUMENT',
      `no document ${edxmlId} from ${organId} was delivered through this axis`,
    );
  }
  if (takeBack) {
    const own = candidates.find((found) => found.fromOrganId === reporter);
    if (!own) {
      throw new AxisError(
        'SENDER_MISMATCH',
        `only the sender of document ${edxmlId} may ask to take it back, not ${reporter}`,
      );
    }
    return own;
  }
  // Senders reuse DocumentIds: the newest one this reporter received is meant.
  const document = candidates.find((found) => found.recipients.includes(reporter));
  if (!document) {
    throw new AxisError(
      'NOT_A_RECIPIENT',
      `${reporter} is not a recipient of document ${edxmlId} from ${organId}`,
    );
  }
  return document;
}

/** The fallback: the same sender, code and promulgation date. */
async function byCode(
  exchange: ExchangeStore,
  status: EdxmlStatus,
  organs: readonly string[],
): Promise<DocumentRecord[]> {
  const { code, promulgationDate } = status.responseFor;
  const keys = organs
    .map((organ) => codeKeyFor(organ, code, promulgationDate))
    .filter((key): key is string => key !== undefined);
  const ids = (await Promise.all(keys.map((key) => exchange.findDocumentsByCode(key)))).flat();
  return delivered(exchange, ids);
}

/**
 * Only a verified document was ever delivered, so only such a one can be
 * reported on: a newer one with the same DocumentId may still be waiting.
 * Newest first, as the lookups return them.
 */
async function delivered(
  exchange: ExchangeStore,
  ids: readonly string[],
): Promise<DocumentRecord[]> {
  const found = await Promise.all([...new Set(ids)].map((id) => exchange.getDocument(id)));
  return found
    .filter((document): document is DocumentRecord => document?.state === 'verified')
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}
