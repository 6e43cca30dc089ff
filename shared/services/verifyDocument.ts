import { sha256Hex } from '../domain/ids';
import type {
  Clock,
  ExchangeStore,
  PayloadStore,
  RouteRequest,
  Signer,
  VerifyRequest,
  WorkQueue,
} from '../domain/ports';
import type { SignatureNote } from '../domain/records';
import { parseDocument } from '../edxml/parseEdxml';
import type { SignaturePresence } from '../edxml/types';
import { RECEIPT_TYPE, signStatement } from './axisSignature';

export interface VerifyDocumentDeps {
  readonly exchange: ExchangeStore;
  readonly payloads: PayloadStore;
  readonly signer: Signer;
  readonly routeQueue: WorkQueue<RouteRequest>;
  readonly clock: Clock;
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
 * Verifies a stored document and sends it on: checks the stored bytes still
 * have the digest recorded at submission, notes the envelope signature, signs
 * the axis's receipt and queues one delivery per recipient.
 *
 * Deliveries are queued before the document is marked verified, so a crash in
 * between repeats the fan-out instead of losing it; delivery itself ignores
 * what was already delivered.
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
    await deps.exchange.markRejected(document.documentId, {
      code: 'DIGEST_MISMATCH',
      message: 'the stored payload no longer has the digest recorded when it was received',
    });
    return 'rejected';
  }
  const signature = noteSignature(parseDocument(bytes).signature);

  const verifiedAt = deps.clock.now().toISOString();
  const receipt = await signStatement(deps.signer, RECEIPT_TYPE, {
    iss: 'lienthong',
    documentId: document.documentId,
    sender: document.senderId,
    recipients: document.recipients,
    sha256,
    signature,
    receivedAt: document.createdAt,
    verifiedAt,
  });

  await deps.routeQueue.send(
    document.recipients.map((recipientId) => ({
      documentId: document.documentId,
      messageId: document.documentId,
      recipientId,
    })),
  );
  await deps.exchange.markVerified(document.documentId, { signature, receipt, verifiedAt });
  return 'verified';
}

function noteSignature(presence: SignaturePresence): SignatureNote {
  if (!presence.present) return 'absent';
  return presence.xmlDsigNamespace ? 'present' : 'present-not-xmldsig';
}
