import type { SignaturePolicy } from './records';

/**
 * What the axis found about a document's envelope signature, in the form it
 * is recorded with the document and shown in its timeline.
 */
export interface SignatureAssessment {
  readonly envelope: {
    readonly outcome: 'valid' | 'invalid' | 'absent' | 'unsupported-algorithm';
    readonly reason?: string;
    readonly detail?: string;
  };
  /** Only when the envelope signature is valid: the signer's certificate path. */
  readonly certificate?: {
    readonly outcome: string;
    readonly reason?: string;
    readonly detail?: string;
    readonly chain: readonly string[];
    readonly warnings: readonly string[];
  };
  /** Only when the envelope signature is valid: whether the signer is registered. */
  readonly signer?: {
    readonly fingerprint: string;
    readonly subject: string;
    readonly registered: boolean;
  };
}

export type PolicyDecision =
  | { readonly accept: true }
  | { readonly accept: false; readonly code: RejectionCode; readonly message: string };

export type RejectionCode =
  | 'SIGNATURE_REQUIRED'
  | 'SIGNATURE_INVALID'
  | 'SIGNATURE_ALGORITHM_UNSUPPORTED'
  | 'SIGNER_CERTIFICATE_NOT_TRUSTED'
  | 'SIGNER_NOT_REGISTERED';

/**
 * Applies the sender's policy to what was found.
 *
 * - `report` never refuses.
 * - `optional` refuses only a signature that is there and does not hold: an
 *   invalid signature, or a valid one whose certificate is not trusted.
 * - `required` accepts only a valid signature, by a trusted certificate that
 *   the operator registered for the sending agency.
 *
 * @example decide('optional', { envelope: { outcome: 'absent' } }) // { accept: true }
 */
export function decide(policy: SignaturePolicy, found: SignatureAssessment): PolicyDecision {
  if (policy === 'report') return { accept: true };
  const { envelope, certificate, signer } = found;
  const why = envelope.reason ? ` (${envelope.reason})` : '';

  if (envelope.outcome === 'invalid') {
    return refuse('SIGNATURE_INVALID', `the envelope signature does not hold${why}`);
  }
  if (envelope.outcome === 'valid' && certificate && certificate.outcome !== 'trusted') {
    return refuse(
      'SIGNER_CERTIFICATE_NOT_TRUSTED',
      `the signer's certificate is ${certificate.outcome}` +
        (certificate.reason ? ` (${certificate.reason})` : ''),
    );
  }
  if (policy === 'optional') return { accept: true };

  if (envelope.outcome === 'absent') {
    return refuse('SIGNATURE_REQUIRED', 'this sender must sign its documents');
  }
  if (envelope.outcome === 'unsupported-algorithm') {
    return refuse(
      'SIGNATURE_ALGORITHM_UNSUPPORTED',
      `the envelope signature uses an algorithm the axis does not accept${why}`,
    );
  }
  if (!signer?.registered) {
    return refuse(
      'SIGNER_NOT_REGISTERED',
      'the signing certificate is not registered to sign for this agency',
    );
  }
  return { accept: true };
}

function refuse(code: RejectionCode, message: string): PolicyDecision {
  return { accept: false, code, message };
}
