import { sha256Hex } from '../domain/ids';
import type { Clock, SignerRegistry, TrustStore } from '../domain/ports';
import type { DocumentRecord } from '../domain/records';
import type { SignatureAssessment } from '../domain/signaturePolicy';
import { validateCertificatePath } from '../signature/certificatePath';
import { verifyEnvelopeSignature } from '../signature/verifyEnvelopeSignature';

export interface AssessSignatureDeps {
  readonly trust: TrustStore;
  readonly signers: SignerRegistry;
  readonly clock: Clock;
}

/**
 * Everything the axis can say about a document's envelope signature: the
 * XML-DSig check on the exact stored bytes, then, for a valid signature, the
 * signer's certificate path to the configured trust anchors (at the time the
 * axis received the document) and whether the operator registered that
 * certificate for the document's `From` agency.
 */
export async function assessSignature(
  deps: AssessSignatureDeps,
  bytes: Uint8Array,
  document: DocumentRecord,
): Promise<SignatureAssessment> {
  const now = deps.clock.now();
  const envelope = verifyEnvelopeSignature(bytes, { now });
  const summary = {
    outcome: envelope.outcome,
    ...(envelope.reason ? { reason: envelope.reason } : {}),
    ...(envelope.detail ? { detail: envelope.detail } : {}),
  };
  if (envelope.outcome !== 'valid' || !envelope.signerCertificate) return { envelope: summary };

  const trust = await deps.trust.load();
  const path = validateCertificatePath(envelope.signerCertificate, {
    trustAnchors: trust.anchors,
    intermediates: trust.intermediates,
    embedded: envelope.embeddedCertificates,
    crls: trust.crls,
    at: new Date(document.createdAt),
    now,
  });
  const fingerprint = sha256Hex(envelope.signerCertificate);
  const registered = await deps.signers.get(document.fromOrganId, fingerprint);
  return {
    envelope: summary,
    certificate: {
      outcome: path.outcome,
      ...(path.reason ? { reason: path.reason } : {}),
      ...(path.detail ? { detail: path.detail } : {}),
      chain: path.chain.map((certificate) => certificate.subject),
      warnings: path.warnings.map((warning) => warning.code),
    },
    signer: {
      fingerprint,
      subject: path.chain[0]?.subject ?? '',
      registered: registered?.state === 'active',
    },
  };
}
