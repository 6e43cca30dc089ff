import { codeKeyFor, documentCode } from '../domain/correlation';
import type { ExchangeStore } from '../domain/ports';
import type { DocumentLinks, DocumentRecord } from '../domain/records';
import { parseDocument } from '../edxml/parseEdxml';
import type { EdxmlDocument } from '../edxml/types';

export interface LinkRevisionsDeps {
  readonly exchange: ExchangeStore;
}

/** What a business type makes of the new document and of its original. */
const LINKS: Record<1 | 2 | 3, { forward: keyof DocumentLinks; back: keyof DocumentLinks }> = {
  1: { forward: 'revokes', back: 'revokedBy' },
  2: { forward: 'updates', back: 'updatedBy' },
  3: { forward: 'replaces', back: 'replacedBy' },
};

/**
 * Records, as a document is verified, what later messages need to find it
 * and what it revises: its correlation key (OrganId, Code, PromulgationDate)
 * and, for a revoke (1), update (2) or replace (3), a link each way between
 * it and the original. An original that cannot be found is noted as such and
 * the document is still delivered: senders' numbering is too messy to refuse
 * on. Every write sets fixed values, so repeating the step changes nothing.
 */
export async function linkRevisions(
  deps: LinkRevisionsDeps,
  document: DocumentRecord,
  bytes: Uint8Array,
): Promise<void> {
  // Submission parsed these bytes already; a failure here would be a bug in
  // the parser, and is no reason to stop the document from being delivered.
  let parsed: EdxmlDocument;
  try {
    parsed = parseDocument(bytes);
  } catch {
    return;
  }
  const codeKey = codeKeyFor(
    document.fromOrganId,
    documentCode(parsed.codeNumber, parsed.codeNotation),
    parsed.promulgationDate,
  );
  const links: DocumentLinks = codeKey ? { codeKey } : {};
  if (parsed.businessDocType !== 0) {
    const { forward, back } = LINKS[parsed.businessDocType];
    const original = await findOriginal(deps.exchange, document, parsed, codeKey);
    if (original) {
      await deps.exchange.linkDocument(original.documentId, { [back]: document.documentId });
      Object.assign(links, { [forward]: original.documentId });
    } else {
      Object.assign(links, { original: 'not-found' });
    }
  }
  await deps.exchange.linkDocument(document.documentId, links);
}

/**
 * The delivered document this one revises: first by the DocumentIds its
 * business block names, then by its own header DocumentId (a revoke repeats
 * the original's), then by the original's code and date.
 */
async function findOriginal(
  exchange: ExchangeStore,
  document: DocumentRecord,
  parsed: EdxmlDocument,
  codeKey: string | undefined,
): Promise<DocumentRecord | undefined> {
  const edxmlIds = [...new Set([...(parsed.businessReferences ?? []), parsed.documentId])];
  for (const edxmlId of edxmlIds) {
    const found = await firstOriginal(
      exchange,
      document,
      await exchange.findDocumentsByEdxmlId(document.fromOrganId, edxmlId),
    );
    if (found) return found;
  }
  if (!codeKey) return undefined;
  return firstOriginal(exchange, document, await exchange.findDocumentsByCode(codeKey));
}

/** The newest delivered document among `ids` that came before this one. */
async function firstOriginal(
  exchange: ExchangeStore,
  document: DocumentRecord,
  ids: readonly string[],
): Promise<DocumentRecord | undefined> {
  for (const id of ids) {
    if (id === document.documentId) continue;
    const candidate = await exchange.getDocument(id);
    // Only what was delivered can be revised; a later one cannot be the original.
    if (candidate?.state === 'verified' && candidate.createdAt <= document.createdAt) {
      return candidate;
    }
  }
  return undefined;
}
