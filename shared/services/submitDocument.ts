import { AxisError } from '../domain/AxisError';
import { documentIdFor, sha256Hex } from '../domain/ids';
import type {
  AgencyDirectory,
  Clock,
  ExchangeStore,
  NationalDirectory,
  PayloadStore,
  VerifyRequest,
  WorkQueue,
} from '../domain/ports';
import { type Agency, type DocumentRecord, speaksFor } from '../domain/records';
import { parseDocument } from '../edxml/parseEdxml';
import type { EdxmlDocument } from '../edxml/types';

export interface SubmitDocumentDeps {
  readonly directory: AgencyDirectory;
  readonly payloads: PayloadStore;
  readonly exchange: ExchangeStore;
  readonly verifyQueue: WorkQueue<VerifyRequest>;
  readonly clock: Clock;
  /**
   * When this axis is linked to the national axis, recipients that are not
   * agencies of this axis but are in the national directory are accepted,
   * and reached through the national axis.
   */
  readonly nationalLinked?: boolean;
  readonly nationalDirectory?: NationalDirectory;
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
  await requireReachable(deps, recipients);
  return recordDocument(
    deps,
    { senderId: caller.agencyId, origin: 'local' },
    edxml,
    body,
    recipients,
  );
}

/**
 * Accepts a document that the national axis holds for this axis's agencies:
 * its sender is an agency of another system, named by `From/OrganId`, and it
 * goes to the recipients that are agencies here (the national axis delivers
 * to the others itself). Then it follows the same path as a submitted one.
 *
 * @param isLocal whether an identifier is this axis's: an agency, or a unit
 *   an agency is registered to send for
 * @throws AxisError SENDER_MISMATCH when `From` names an identifier of this
 *   axis (its documents never come from outside: such a document could revoke
 *   theirs), NO_LOCAL_RECIPIENT when no recipient is an agency of this axis
 */
export async function receiveNationalDocument(
  deps: SubmitDocumentDeps,
  body: Uint8Array,
  isLocal: (id: string) => boolean,
): Promise<SubmitDocumentResult> {
  const edxml = parseDocument(body);
  const senderId = edxml.from.organId;
  if (isLocal(senderId) || (await deps.directory.get(senderId))) {
    throw new AxisError(
      'SENDER_MISMATCH',
      `${senderId} belongs to this axis; its documents do not come through the national axis`,
    );
  }
  const named = [...new Set(edxml.to.map((organ) => organ.organId))];
  const found = await Promise.all(named.map((id) => deps.directory.get(id)));
  const recipients = named.filter((_, index) => found[index] !== undefined);
  if (recipients.length === 0) {
    throw new AxisError(
      'NO_LOCAL_RECIPIENT',
      `none of the recipients ${named.join(', ')} is an agency of this axis`,
    );
  }
  return recordDocument(deps, { senderId, origin: 'national' }, edxml, body, recipients);
}

/**
 * Stores the exact bytes, records the document and queues it for
 * verification, once: the id comes from the sender and the bytes.
 */
async function recordDocument(
  deps: SubmitDocumentDeps,
  source: { senderId: string; origin: NonNullable<DocumentRecord['origin']> },
  edxml: EdxmlDocument,
  body: Uint8Array,
  recipients: readonly string[],
): Promise<SubmitDocumentResult> {
  const sha256 = sha256Hex(body);
  const documentId = documentIdFor(source.senderId, sha256);
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
      from: source.senderId,
      to: recipients,
      payloadKey,
      sha256,
      size: body.byteLength,
      createdAt,
    }),
  ]);
  const document: DocumentRecord = {
    documentId,
    senderId: source.senderId,
    fromOrganId: edxml.from.organId,
    edxmlDocumentId: edxml.documentId,
    recipients,
    businessDocType: edxml.businessDocType,
    sha256,
    size: body.byteLength,
    payloadKey,
    createdAt,
    state: 'received',
    ...(source.origin === 'national' ? { origin: 'national' as const } : {}),
  };
  const outcome = await deps.exchange.createDocument(document);
  if (outcome === 'exists') {
    // A concurrent retry won the race; it queues the document itself.
    return { documentId, recipients, duplicate: true };
  }
  await deps.verifyQueue.send([{ documentId }]);
  return { documentId, recipients, duplicate: false };
}

/**
 * Every recipient must be an agency of this axis or, when the axis is linked
 * to the national axis, an agency of the national directory.
 */
async function requireReachable(deps: SubmitDocumentDeps, ids: readonly string[]) {
  const national = deps.nationalLinked ? deps.nationalDirectory : undefined;
  const reachable = await Promise.all(
    ids.map(
      async (id) =>
        (await deps.directory.get(id)) !== undefined ||
        (national !== undefined && (await national.get(id)) !== undefined),
    ),
  );
  const unknown = ids.filter((_, index) => !reachable[index]);
  if (unknown.length > 0) {
    const where = national ? 'on this axis or in the national directory' : 'on this axis';
    throw new AxisError(
      'UNKNOWN_RECIPIENT',
      `no agency ${where} has the OrganId ${unknown.join(', ')}`,
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
