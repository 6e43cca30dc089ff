/**
 * Verifies the XML-DSig envelope signature of an edXML document on the exact
 * bytes received. Whatever the bytes hold, the answer is a result with a
 * stable reason code; only a programming error throws.
 */
import type { Element } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { isAxisError } from '../domain/AxisError';
import { readXmlTree } from '../edxml/xmlTree';
import type { SignatureMethodSpec, VerificationProbe } from './algorithms';
import {
  hashAlgorithms,
  isCanonicalization,
  judgeDigestMethod,
  judgeKey,
  judgeSignatureMethod,
  restrictTransforms,
  signatureAlgorithms,
  signatureMethodSpec,
} from './algorithms';
import { decodeBase64Strict } from './base64';
import type { ParsedCertificate } from './certificates';
import { CertificateFormatError, couldHaveIssued, parseCertificate } from './certificates';
import { locateSignature } from './signatureLocation';
import type { SignatureProfile } from './signatureProfile';
import { readSignatureProfile } from './signatureProfile';
import type { EnvelopeSignatureCheck, EnvelopeSignatureReason } from './types';
import { parseStrictXml, XmlSyntaxError } from './xmlDom';

export interface VerifyEnvelopeOptions {
  /** The time recorded as `checkedAt`; defaults to the system clock. */
  readonly now?: Date;
}

type Verdict = Omit<EnvelopeSignatureCheck, 'checkedAt'>;

/**
 * Verifies the envelope signature (`edXMLHeader/ds:Signature`) of `bytes`.
 *
 * The rules, in the order they apply:
 * 1. The bytes must pass the axis's own parser (UTF-8, no DTD, bounded depth):
 *    DTD_FORBIDDEN, NOT_WELL_FORMED. Raw U+0085, U+2028 or U+2029 →
 *    AMBIGUOUS_LINE_END, since xml-crypto's parser turns them into line feeds
 *    (XML 1.1) while the axis reads them as characters (XML 1.0): the
 *    verified text would not be the read text.
 * 2. Where the signature is ({@link locateSignature}): `absent`, NOT_EDXML,
 *    NOT_XMLDSIG, MULTIPLE_SIGNATURES, SIGNATURE_MISPLACED, COMMENT_IN_TEXT.
 * 3. What it looks like ({@link readSignatureProfile}): MALFORMED_SIGNATURE,
 *    REFERENCE_NOT_ENVELOPE.
 * 4. Algorithms: SHA-1/MD5 → `unsupported-algorithm` WEAK_ALGORITHM; anything
 *    outside rsa-sha256/384/512, ecdsa-sha256/384, SHA-256/384/512 and C14N
 *    1.0 / exclusive C14N → `unsupported-algorithm` UNKNOWN_ALGORITHM.
 * 5. The signer's certificate: the axis needs it, and never takes a bare key
 *    from KeyValue → NO_CERTIFICATE, MALFORMED_CERTIFICATE. Its key must fit
 *    the method (KEY_ALGORITHM_MISMATCH) and be strong enough (WEAK_KEY).
 * 6. Cryptography with that certificate's key, passed to xml-crypto
 *    explicitly (KeyInfo is never trusted by itself): DIGEST_MISMATCH when
 *    the document changed, SIGNATURE_MISMATCH when SignedInfo changed or
 *    another key signed.
 *
 * `valid` says only that the certificate's key signed these bytes; whether
 * that certificate is trusted is {@link validateCertificatePath}'s question.
 *
 * @example
 * const check = verifyEnvelopeSignature(body);
 * if (check.outcome === 'valid') {
 *   const path = validateCertificatePath(check.signerCertificate!, {
 *     trustAnchors, embedded: check.embeddedCertificates, at: receivedAt,
 *   });
 * }
 */
export function verifyEnvelopeSignature(
  bytes: Uint8Array,
  options: VerifyEnvelopeOptions = {},
): EnvelopeSignatureCheck {
  const checkedAt = (options.now ?? new Date()).toISOString();
  return { ...verify(bytes), checkedAt };
}

function verify(bytes: Uint8Array): Verdict {
  const text = admit(bytes);
  if (typeof text !== 'string') return text;
  let doc: ReturnType<typeof parseStrictXml>;
  try {
    doc = parseStrictXml(text);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    return invalid('NOT_WELL_FORMED', 'The document is not well-formed XML');
  }

  const location = locateSignature(doc);
  if (location.kind === 'absent') return { outcome: 'absent' };
  if (location.kind === 'refused') return invalid(location.reason, location.detail);

  const read = readSignatureProfile(location.signature);
  if (!read.ok) {
    return {
      ...invalid(read.reason, read.detail),
      ...algorithmsOf(read.signatureMethod, read.digestMethod),
    };
  }
  const { profile } = read;
  const algorithms = algorithmsOf(profile.signatureMethod, profile.digestMethod);
  const refusal = judgeAlgorithms(profile);
  if (refusal) return { ...refusal, ...algorithms };
  const spec = signatureMethodSpec(profile.signatureMethod) as SignatureMethodSpec;

  const certificates = readCertificates(profile);
  if (!Array.isArray(certificates)) return { ...certificates, ...algorithms };
  const [signer] = certificates as [ParsedCertificate];
  const failure =
    judgeSignerKey(spec, signer) ?? checkCryptography(text, location.signature, signer);
  if (failure) return { ...failure, ...algorithms };
  return {
    outcome: 'valid',
    signerCertificate: signer.der,
    embeddedCertificates: certificates.map((certificate) => certificate.der),
    ...algorithms,
  };
}

/** The decoded text, or why the bytes are refused before any DOM is built. */
function admit(bytes: Uint8Array): string | Verdict {
  try {
    readXmlTree(bytes, { countOnly: (_uri, local) => local === 'ContentTransferEncoded' });
  } catch (error) {
    if (!isAxisError(error)) throw error;
    return error.code === 'XML_DTD_FORBIDDEN'
      ? invalid('DTD_FORBIDDEN', 'Document type declarations are not accepted')
      : invalid('NOT_WELL_FORMED', 'The body is not well-formed UTF-8 XML');
  }
  // Already known to be UTF-8; the decoder drops a leading BOM as xmldom expects.
  const text = new TextDecoder('utf-8').decode(bytes);
  if (/[\u0085\u2028\u2029]/.test(text)) {
    return invalid(
      'AMBIGUOUS_LINE_END',
      'The document holds U+0085, U+2028 or U+2029, which XML-DSig verifiers read differently',
    );
  }
  return text;
}

function judgeAlgorithms(profile: SignatureProfile): Verdict | undefined {
  const verdicts = [
    ['SignatureMethod', judgeSignatureMethod(profile.signatureMethod)],
    ['DigestMethod', judgeDigestMethod(profile.digestMethod)],
    [
      'CanonicalizationMethod',
      isCanonicalization(profile.canonicalization) ? 'allowed' : 'unknown',
    ],
  ] as const;
  for (const [element, verdict] of verdicts) {
    if (verdict === 'weak') {
      return {
        outcome: 'unsupported-algorithm',
        reason: 'WEAK_ALGORITHM',
        detail: `${element} uses SHA-1 or MD5, which the axis no longer accepts`,
      };
    }
    if (verdict === 'unknown') {
      return {
        outcome: 'unsupported-algorithm',
        reason: 'UNKNOWN_ALGORITHM',
        detail: `${element} names an algorithm the axis does not support`,
      };
    }
  }
  return undefined;
}

function judgeSignerKey(spec: SignatureMethodSpec, signer: ParsedCertificate): Verdict | undefined {
  switch (judgeKey(spec, signer.publicKey)) {
    case 'mismatch':
      return invalid(
        'KEY_ALGORITHM_MISMATCH',
        "The certificate's key does not fit SignatureMethod",
      );
    case 'weak':
      return {
        outcome: 'unsupported-algorithm',
        reason: 'WEAK_KEY',
        detail: "The certificate's key is too weak (RSA under 2048 bits or an unlisted curve)",
      };
    default:
      return undefined;
  }
}

/**
 * The KeyInfo certificates, signer first. The signer is the first one that
 * issued none of the others: senders do not agree on the order of a chain,
 * and which one is picked cannot help a forger, since its key must then
 * verify the signature.
 */
function readCertificates(profile: SignatureProfile): ParsedCertificate[] | Verdict {
  if (profile.certificates.length === 0) {
    return invalid('NO_CERTIFICATE', 'KeyInfo carries no X509Certificate');
  }
  const parsed: ParsedCertificate[] = [];
  for (const [index, text] of profile.certificates.entries()) {
    const der = decodeBase64Strict(text);
    try {
      if (der === undefined) throw new CertificateFormatError('not base64');
      parsed.push(parseCertificate(new Uint8Array(der)));
    } catch (error) {
      if (!(error instanceof CertificateFormatError)) throw error;
      return invalid(
        'MALFORMED_CERTIFICATE',
        `X509Certificate number ${index + 1} is not a DER certificate in base64`,
      );
    }
  }
  const signer =
    parsed.find((candidate) =>
      parsed.every((other) => other === candidate || !couldHaveIssued(candidate, other)),
    ) ?? (parsed[0] as ParsedCertificate);
  return [signer, ...parsed.filter((certificate) => certificate !== signer)];
}

/**
 * Runs xml-crypto with only the allowed algorithms and the signer's key.
 * Which step failed is read from the probe and the return value, not from
 * error messages, which change between versions and may quote the document.
 */
function checkCryptography(
  text: string,
  signature: Element,
  signer: ParsedCertificate,
): Verdict | undefined {
  const probe: VerificationProbe = {};
  const signed = new SignedXml({ publicCert: signer.publicKey, getCertFromKeyInfo: () => null });
  signed.SignatureAlgorithms = signatureAlgorithms(probe);
  signed.HashAlgorithms = hashAlgorithms();
  signed.CanonicalizationAlgorithms = restrictTransforms(signed.CanonicalizationAlgorithms);
  let valid: boolean;
  try {
    signed.loadSignature(signature as unknown as Parameters<SignedXml['loadSignature']>[0]);
    valid = signed.checkSignature(text);
  } catch {
    return probe.verified === false
      ? invalid('SIGNATURE_MISMATCH', "SignedInfo was not signed by the certificate's key")
      : invalid('MALFORMED_SIGNATURE', 'The signature could not be processed');
  }
  if (!valid) {
    return invalid(
      'DIGEST_MISMATCH',
      'The document does not match the signed digest: it changed after signing',
    );
  }
  // Fail closed should xml-crypto ever report success without our verifier's say-so.
  if (probe.verified !== true || signed.getSignedReferences().length !== 1) {
    return invalid('MALFORMED_SIGNATURE', 'The signature could not be processed');
  }
  return undefined;
}

function algorithmsOf(signatureAlgorithm?: string, digestAlgorithm?: string) {
  return {
    ...(signatureAlgorithm === undefined ? {} : { signatureAlgorithm }),
    ...(digestAlgorithm === undefined ? {} : { digestAlgorithm }),
  };
}

function invalid(reason: EnvelopeSignatureReason, detail: string): Verdict {
  return { outcome: 'invalid', reason, detail };
}
