import { AxisError } from '../domain/AxisError';
import { documentIdFor, sha256Hex } from '../domain/ids';
import type {
  AgencyDirectory,
  Clock,
  ExchangeStore,
  PayloadStore,
  VerifyRequest,
  WorkQueue,
} from '../domain/ports';
import { type Agency, type DocumentRecord, speaksFor } from '../domain/records';
import { parseDocument } from '../edxml/parseEdxml';

export interface SubmitDocumentDeps {
  readonly directory: AgencyDirectory;
  readonly payloads: PayloadStore;
  readonly exchange: ExchangeStore;
  readonly verifyQueue: WorkQueue<VerifyRequest>;
  readonly clock: Clock;
}

export interface SubmitDocumentResult {
  readonly documentId: string;
  readonly recipients: readonly string[];
  /** True when the same agency already sent these exact bytes. */
  readonly duplicate: boolean;
}

/**
 * Accepts a document from `caller`: checks it fully, then stores the exact
 * bytes, records it and queues it for verification.
 *
 * Every check runs before the first write, so a refused document leaves
 * nothing behind. The writes are safe to repeat: the id comes from the sender
 * and the bytes, the payload key from the id, and the record is created
 * conditionally, so a sender retrying after a lost answer gets the same id and
 * the document is delivered once.
 */
export async function submitDocument(
  deps: SubmitDocumentDeps,
  caller: Agency,
  body: Uint8Array,
): Promise<SubmitDocumentResult> {
  const edxml = parseDocument(body);
  if (!speaksFor(caller, edxml.from.organId)) {
    throw new AxisError(
      'SENDER_MISMATCH',
      `From/OrganId is ${edxml.from.organId}, which ${caller.agencyId} may not send for`,
    );
  }
  const recipients = [...new Set(edxml.to.map((organ) => organ.organId))];
  await requireKnownAgencies(deps.directory, recipients);

  const sha256 = sha256Hex(body);
  const documentId = documentIdFor(caller.agencyId, sha256);
  const existing = await deps.exchange.getDocument(documentId);
  if (existing) {
    await resumeIfUnverified(deps, existing);
    return { documentId, recipients: existing.recipients, duplicate: true };
  }

  const createdAt = deps.clock.now().toISOString();
  const payloadKey = `documents/${documentId}.edxml`;
  // The document record comes last: once it exists, its bytes and message do.
  await Promise.all([
    deps.payloads.put(payloadKey, body),
    deps.exchange.putMessage({
      messageId: documentId,
      kind: 'document',
      documentId,
      from: caller.agencyId,
      to: recipients,
      payloadKey,
      sha256,
      size: body.byteLength,
      createdAt,
    }),
  ]);
  const document: DocumentRecord = {
    documentId,
    senderId: caller.agencyId,
    fromOrganId: edxml.from.organId,
    edxmlDocumentId: edxml.documentId,
    recipients,
    businessDocType: edxml.businessDocType,
    sha256,
    size: body.byteLength,
    payloadKey,
    createdAt,
    state: 'received',
  };
  const outcome = await deps.exchange.createDocument(document);
  if (outcome === 'exists') {
    // A concurrent retry won the race; it queues the document itself.
    return { documentId, recipients, duplicate: true };
  }
  await deps.verifyQueue.send([{ documentId }]);
  return { documentId, recipients, duplicate: false };
}

async function requireKnownAgencies(directory: AgencyDirectory, ids: readonly string[]) {
  const found = await Promise.all(ids.map((id) => directory.get(id)));
  const unknown = ids.filter((_, index) => found[index] === undefined);
  if (unknown.length > 0) {
    throw new AxisError(
      'UNKNOWN_RECIPIENT',
      `no agency on this axis has the OrganId ${unknown.join(', ')}`,
      { unknown },
    );
  }
}

/**
 * A document whose first submission stopped after it was recorded but before
 * it was queued would otherwise wait forever; queueing it again is harmless
 * because verification and delivery are idempotent.
 */
async function resumeIfUnverified(deps: SubmitDocumentDeps, existing: DocumentRecord) {
  if (existing.state === 'received') {
    await deps.verifyQueue.send([{ documentId: existing.documentId }]);
  }
}
