/**
 * Results of the two checks an edXML envelope signature goes through: the
 * XML-DSig signature over the received bytes, and the signer's certificate
 * path. Both are plain data with stable UPPER_SNAKE reason codes, so they can
 * be stored with the document and matched on by integrators; the `detail`
 * strings are for people and never quote document content.
 */

/** Namespace URI of XML-DSig; a `Signature` anywhere else is not a signature. */
export const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

export type EnvelopeSignatureOutcome = 'valid' | 'invalid' | 'absent' | 'unsupported-algorithm';

/** Every reason {@link EnvelopeSignatureCheck} can give; codes never change meaning. */
export const ENVELOPE_SIGNATURE_REASONS = [
  // The bytes themselves
  'NOT_WELL_FORMED',
  'DTD_FORBIDDEN',
  'AMBIGUOUS_LINE_END',
  'NOT_EDXML',
  // Where the signature is and what it looks like
  'NOT_XMLDSIG',
  'MULTIPLE_SIGNATURES',
  'SIGNATURE_MISPLACED',
  'MALFORMED_SIGNATURE',
  'REFERENCE_NOT_ENVELOPE',
  'COMMENT_IN_TEXT',
  // Algorithms and keys
  'WEAK_ALGORITHM',
  'UNKNOWN_ALGORITHM',
  'WEAK_KEY',
  'KEY_ALGORITHM_MISMATCH',
  // The signer's certificate
  'NO_CERTIFICATE',
  'MALFORMED_CERTIFICATE',
  // Cryptography
  'DIGEST_MISMATCH',
  'SIGNATURE_MISMATCH',
] as const;

export type EnvelopeSignatureReason = (typeof ENVELOPE_SIGNATURE_REASONS)[number];

/** What {@link verifyEnvelopeSignature} found; `reason` is set for every outcome but `valid`. */
export interface EnvelopeSignatureCheck {
  readonly outcome: EnvelopeSignatureOutcome;
  readonly reason?: EnvelopeSignatureReason;
  /** For people: what failed and where. Never quotes document content. */
  readonly detail?: string;
  /**
   * DER of the certificate whose key verified the signature. Only on `valid`:
   * before that it is merely what the sender claims, and handing it out would
   * invite checking the path of a signer that did not sign.
   */
  readonly signerCertificate?: Uint8Array;
  /** Every X509Certificate of KeyInfo, the signer's first. Only on `valid`. */
  readonly embeddedCertificates?: readonly Uint8Array[];
  /** SignatureMethod/@Algorithm as written, once the signature's structure is known. */
  readonly signatureAlgorithm?: string;
  /** DigestMethod/@Algorithm of the one Reference, as written. */
  readonly digestAlgorithm?: string;
  /** When the check ran (ISO 8601), for the record kept with the document. */
  readonly checkedAt: string;
}

export type CertificatePathOutcome =
  | 'trusted'
  | 'untrusted'
  | 'expired'
  | 'not-yet-valid'
  | 'revoked'
  | 'bad-key-usage'
  | 'malformed';

/** Every reason {@link CertificatePathCheck} can give; codes never change meaning. */
export const CERTIFICATE_PATH_REASONS = [
  'MALFORMED_CERTIFICATE',
  'UNTRUSTED_ROOT',
  'INCOMPLETE_CHAIN',
  'BAD_CERTIFICATE_SIGNATURE',
  'WEAK_CERTIFICATE_ALGORITHM',
  'UNSUPPORTED_CERTIFICATE_ALGORITHM',
  'PATH_TOO_LONG',
  'PATH_LENGTH_CONSTRAINT',
  'UNKNOWN_CRITICAL_EXTENSION',
  'CERTIFICATE_EXPIRED',
  'CERTIFICATE_NOT_YET_VALID',
  'CERTIFICATE_REVOKED',
  'NOT_A_CA',
  'CA_KEY_USAGE',
  'LEAF_IS_CA',
  'LEAF_KEY_USAGE',
] as const;

export type CertificatePathReason = (typeof CERTIFICATE_PATH_REASONS)[number];

/** One certificate of the path, as people read it. */
export interface PathCertificate {
  /** RFC 4514 string, e.g. `CN=..., O=..., C=VN`. */
  readonly subject: string;
  readonly issuer: string;
  /** Lower-case hex, as in the certificate. */
  readonly serialNumber: string;
  /** ISO 8601. */
  readonly notBefore: string;
  readonly notAfter: string;
}

export type PathWarningCode = 'CRL_STALE' | 'NO_CRL_FOR_ISSUER';

/** Something that did not fail the path but must be recorded with it. */
export interface PathWarning {
  readonly code: PathWarningCode;
  readonly detail: string;
}

/** What {@link validateCertificatePath} found. */
export interface CertificatePathCheck {
  readonly outcome: CertificatePathOutcome;
  /** Set for every outcome but `trusted`. */
  readonly reason?: CertificatePathReason;
  readonly detail?: string;
  /** Leaf first, trust anchor last; as far as it could be built when untrusted. */
  readonly chain: readonly PathCertificate[];
  readonly warnings: readonly PathWarning[];
}
