import { rejectionIdFor, sha256Hex } from '../domain/ids';
import type {
  AgencyDirectory,
  Clock,
  ExchangeStore,
  PayloadStore,
  RouteRequest,
  Signer,
  SignerRegistry,
  TrustStore,
  VerifyRequest,
  WorkQueue,
} from '../domain/ports';
import type { DocumentRecord, SignaturePolicy } from '../domain/records';
import { decide, type SignatureAssessment } from '../domain/signaturePolicy';
import { applyPendingStatuses } from './applyPendingStatuses';
import { assessSignature } from './assessSignature';
import { RECEIPT_TYPE, REJECTION_TYPE, signStatement } from './axisSignature';
import { linkRevisions } from './linkRevisions';

export interface VerifyDocumentDeps {
  readonly exchange: ExchangeStore;
  readonly payloads: PayloadStore;
  readonly directory: AgencyDirectory;
  readonly trust: TrustStore;
  readonly signers: SignerRegistry;
  readonly signer: Signer;
  readonly routeQueue: WorkQueue<RouteRequest>;
  readonly clock: Clock;
  /** The policy for documents from the national axis, whose senders are not registered here. */
  readonly nationalSignaturePolicy?: SignaturePolicy;
}

export type VerifyOutcome = 'verified' | 'rejected' | 'already-done';

/** Thrown when a queued document has no record: a bug or a lost write, worth a retry. */
export class DocumentNotFoundError extends Error {
  constructor(documentId: string) {
    super(`document ${documentId} is queued for verification but has no record`);
    this.name = 'DocumentNotFoundError';
  }
}

/**
 * Verifies a stored document and sends it on, or refuses it: checks the
 * stored bytes still have the digest recorded at submission, checks the
 * envelope signature and the signer under the sender's policy, then either
 * signs the axis's receipt and queues one delivery per recipient, or sends
 * the sender a signed rejection that says why.
 *
 * Statuses kept because they arrived before the document are applied
 * with it (see applyPendingStatuses).
 *
 * Messages are queued before the document's state changes, so a crash in
 * between repeats the step instead of losing it; delivery ignores what was
 * already delivered.
 */
export async function verifyDocument(
  deps: VerifyDocumentDeps,
  request: VerifyRequest,
): Promise<VerifyOutcome> {
  const document = await deps.exchange.getDocument(request.documentId);
  if (!document) throw new DocumentNotFoundError(request.documentId);
  if (document.state !== 'received') return 'already-done';

  const bytes = await deps.payloads.get(document.payloadKey);
  const sha256 = sha256Hex(bytes);
  if (sha256 !== document.sha256) {
    await reject(deps, document, {
      code: 'DIGEST_MISMATCH',
      message: 'the stored payload no longer has the digest recorded when it was received',
    });
    return 'rejected';
  }

  const signature = await assessSignature(deps, bytes, document);
  const decision = decide(await policyFor(deps, document), signature);
  if (!decision.accept) {
    await reject(deps, document, { code: decision.code, message: decision.message }, signature);
    return 'rejected';
  }

  const verifiedAt = deps.clock.now().toISOString();
  const receipt = await signStatement(deps.signer, RECEIPT_TYPE, {
    iss: 'lienthong',
    documentId: document.documentId,
    sender: document.senderId,
    recipients: document.recipients,
    sha256,
    signature: signature.envelope.outcome,
    ...(signature.certificate ? { certificate: signature.certificate.outcome } : {}),
    receivedAt: document.createdAt,
    verifiedAt,
  });
  // Before routing, so a recipient that reads the revoke finds the original marked.
  await linkRevisions(deps, document, bytes);
  await deps.routeQueue.send(
    document.recipients.map((recipientId) => ({
      documentId: document.documentId,
      messageId: document.documentId,
      recipientId,
    })),
  );
  // Statuses that arrived first: before the state changes, so a crash repeats
  // the step; and again after, for any kept while the state was changing.
  // Read again for the code key that linking has just set.
  const linked = (await deps.exchange.getDocument(document.documentId)) ?? document;
  await applyPendingStatuses(deps, linked);
  await deps.exchange.markVerified(document.documentId, { signature, receipt, verifiedAt });
  await applyPendingStatuses(deps, linked);
  return 'verified';
}

/**
 * The sender's policy. An agency removed since it sent the document gets the
 * strictest reading; a document from the national axis gets the policy the
 * operator set for that link (its sender is registered elsewhere).
 */
async function policyFor(
  deps: VerifyDocumentDeps,
  document: DocumentRecord,
): Promise<SignaturePolicy> {
  if (document.origin === 'national') return deps.nationalSignaturePolicy ?? 'required';
  const sender = await deps.directory.get(document.senderId);
  return sender?.signaturePolicy ?? 'required';
}

/**
 * Refuses a document: a signed, machine-readable rejection goes to the
 * sender's inbox or webhook, and the document is never routed. A document
 * from the national axis is refused on record only: the national axis
 * carries edXML, not the axis's signed rejections, and its sender is
 * registered elsewhere; operators see the refusal in the timeline.
 */
async function reject(
  deps: VerifyDocumentDeps,
  document: DocumentRecord,
  rejection: { code: string; message: string },
  signature?: SignatureAssessment,
): Promise<void> {
  if (document.origin === 'national') {
    await deps.exchange.markRejected(document.documentId, {
      rejection,
      ...(signature ? { signature } : {}),
    });
    return;
  }
  const messageId = rejectionIdFor(document.documentId);
  const rejectedAt = deps.clock.now().toISOString();
  const token = await signStatement(deps.signer, REJECTION_TYPE, {
    iss: 'lienthong',
    documentId: document.documentId,
    edxmlDocumentId: document.edxmlDocumentId,
    sender: document.senderId,
    sha256: document.sha256,
    code: rejection.code,
    message: rejection.message,
    ...(signature ? { signature } : {}),
    rejectedAt,
  });
  const body = Buffer.from(token, 'ascii');
  const payloadKey = `rejections/${document.documentId}.jws`;
  await deps.payloads.put(payloadKey, body);
  await deps.exchange.putMessage({
    messageId,
    kind: 'rejection',
    documentId: document.documentId,
    from: AXIS_SENDER,
    to: [document.senderId],
    payloadKey,
    sha256: sha256Hex(body),
    size: body.byteLength,
    createdAt: rejectedAt,
  });
  await deps.routeQueue.send([
    { documentId: document.documentId, messageId, recipientId: document.senderId },
  ]);
  await deps.exchange.markRejected(document.documentId, {
    rejection,
    ...(signature ? { signature } : {}),
    rejectionMessageId: messageId,
  });
}

/** How the axis names itself as the sender of its own messages. */
export const AXIS_SENDER = 'lienthong';
