/**
 * X.509 certificates as path validation needs them: parsed once, with the
 * fields and extensions it decides on, and their signatures checked
 * synchronously with Node's crypto on the exact to-be-signed bytes.
 */
import 'reflect-metadata';
import type { KeyObject } from 'node:crypto';
import { createHash, createPublicKey, verify } from 'node:crypto';
import {
  AuthorityKeyIdentifierExtension,
  BasicConstraintsExtension,
  KeyUsagesExtension,
  SubjectKeyIdentifierExtension,
  X509Certificate,
} from '@peculiar/x509';
import { MIN_RSA_MODULUS_BITS } from './algorithms';
import type { SignedStructure } from './der';
import { sameBytes, splitSigned } from './der';
import type { PathCertificate } from './types';

/** The input is not a DER certificate the axis can read. */
export class CertificateFormatError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'CertificateFormatError';
  }
}

export interface ParsedCertificate {
  readonly der: Uint8Array;
  /** SHA-256 of the DER, hex: identity for de-duplication and loops. */
  readonly fingerprint: string;
  readonly signed: SignedStructure;
  readonly publicKey: KeyObject;
  readonly subject: string;
  readonly issuer: string;
  readonly subjectName: Uint8Array;
  readonly issuerName: Uint8Array;
  /** Lower-case hex without leading zeros. */
  readonly serialNumber: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly subjectKeyId?: string;
  readonly authorityKeyId?: string;
  readonly basicConstraints?: { readonly ca: boolean; readonly pathLength?: number };
  /** KeyUsageFlags bits (digitalSignature = 1 ... decipherOnly = 256). */
  readonly keyUsage?: number;
  readonly unknownCriticalExtensions: readonly string[];
  /** Issuer and subject names match (roots, and CA re-keys). */
  readonly selfIssued: boolean;
}

/** Key usage bits, as in RFC 5280 4.2.1.3 and @peculiar/x509's KeyUsageFlags. */
export const KEY_USAGE = {
  digitalSignature: 1,
  nonRepudiation: 2,
  keyCertSign: 32,
  cRLSign: 64,
} as const;

/**
 * Extensions this module understands or may ignore safely. RFC 5280 requires
 * refusing a certificate with a critical extension outside this list (name
 * constraints, policy constraints and policy mappings among them, which are
 * not processed here).
 */
const KNOWN_EXTENSIONS: readonly string[] = [
  '2.5.29.19', // basicConstraints
  '2.5.29.15', // keyUsage
  '2.5.29.37', // extKeyUsage
  '2.5.29.17', // subjectAltName
  '2.5.29.18', // issuerAltName
  '2.5.29.14', // subjectKeyIdentifier
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.31', // cRLDistributionPoints
  '2.5.29.46', // freshestCRL
  '2.5.29.32', // certificatePolicies: any policy is acceptable to the axis
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
  '1.3.6.1.5.5.7.1.3', // qcStatements
];

/**
 * Parses a DER certificate.
 *
 * @throws CertificateFormatError for anything that is not one well-formed
 *   certificate (trailing bytes, duplicate extensions, an unreadable key).
 */
export function parseCertificate(der: Uint8Array): ParsedCertificate {
  try {
    const signed = splitSigned(der);
    const certificate = new X509Certificate(der);
    const types = certificate.extensions.map((extension) => extension.type);
    if (new Set(types).size !== types.length) throw new Error('duplicate extension');
    const basic = certificate.getExtension(BasicConstraintsExtension);
    const subjectName = new Uint8Array(certificate.subjectName.toArrayBuffer());
    const issuerName = new Uint8Array(certificate.issuerName.toArrayBuffer());
    return {
      der,
      fingerprint: createHash('sha256').update(der).digest('hex'),
      signed,
      publicKey: createPublicKey({
        key: Buffer.from(certificate.publicKey.rawData),
        format: 'der',
        type: 'spki',
      }),
      subject: certificate.subject,
      issuer: certificate.issuer,
      subjectName,
      issuerName,
      serialNumber: normalizeSerial(certificate.serialNumber),
      notBefore: certificate.notBefore,
      notAfter: certificate.notAfter,
      subjectKeyId: certificate.getExtension(SubjectKeyIdentifierExtension)?.keyId,
      authorityKeyId: certificate.getExtension(AuthorityKeyIdentifierExtension)?.keyId,
      basicConstraints: basic ? { ca: basic.ca, pathLength: basic.pathLength } : undefined,
      keyUsage: certificate.getExtension(KeyUsagesExtension)?.usages,
      unknownCriticalExtensions: certificate.extensions
        .filter((extension) => extension.critical && !KNOWN_EXTENSIONS.includes(extension.type))
        .map((extension) => extension.type),
      selfIssued: namesMatch(subjectName, certificate.subject, issuerName, certificate.issuer),
    };
  } catch (error) {
    throw new CertificateFormatError('not a well-formed X.509 certificate', { cause: error });
  }
}

/** Serials compare as numbers: leading zero octets are an encoding detail. */
export function normalizeSerial(hex: string): string {
  return hex.toLowerCase().replace(/^(00)+(?=.)/, '');
}

/**
 * Whether two names are the same: the DER encodings agree, or the RFC 4514
 * strings agree ignoring case and runs of spaces (RFC 5280 7.1 compares
 * names after such folding; a CA re-encoding a string type is then no break).
 */
export function namesMatch(
  aDer: Uint8Array,
  aText: string,
  bDer: Uint8Array,
  bText: string,
): boolean {
  return sameBytes(aDer, bDer) || foldName(aText) === foldName(bText);
}

function foldName(name: string): string {
  return name.toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Whether `issuer` may have issued `subject`, judged on names and key identifiers. */
export function couldHaveIssued(issuer: ParsedCertificate, subject: ParsedCertificate): boolean {
  if (!namesMatch(issuer.subjectName, issuer.subject, subject.issuerName, subject.issuer)) {
    return false;
  }
  // Both identifiers present and different: a different key of the same CA name.
  return !(
    subject.authorityKeyId !== undefined &&
    issuer.subjectKeyId !== undefined &&
    subject.authorityKeyId !== issuer.subjectKeyId
  );
}

export type SignatureCheck = 'ok' | 'bad-signature' | 'weak-algorithm' | 'unsupported-algorithm';

interface X509SignatureSpec {
  readonly hash: 'sha256' | 'sha384' | 'sha512';
  readonly keyType: 'rsa' | 'ec';
}

const X509_SIGNATURE_ALGORITHMS: Readonly<Record<string, X509SignatureSpec>> = {
  '1.2.840.113549.1.1.11': { hash: 'sha256', keyType: 'rsa' },
  '1.2.840.113549.1.1.12': { hash: 'sha384', keyType: 'rsa' },
  '1.2.840.113549.1.1.13': { hash: 'sha512', keyType: 'rsa' },
  '1.2.840.10045.4.3.2': { hash: 'sha256', keyType: 'ec' },
  '1.2.840.10045.4.3.3': { hash: 'sha384', keyType: 'ec' },
  '1.2.840.10045.4.3.4': { hash: 'sha512', keyType: 'ec' },
};

/**
 * MD5 and SHA-1 signatures: chosen-prefix collisions on these let a forger
 * obtain a CA signature on a certificate of their own design.
 */
const WEAK_X509_SIGNATURE_ALGORITHMS: readonly string[] = [
  '1.2.840.113549.1.1.4', // md5WithRSAEncryption
  '1.2.840.113549.1.1.5', // sha1WithRSAEncryption
  '1.3.14.3.2.29', // sha1WithRSASignature (OIW)
  '1.2.840.10045.4.1', // ecdsa-with-SHA1
  '1.2.840.10040.4.3', // dsa-with-sha1
];

/**
 * Checks that `signed` (a certificate or CRL) carries a valid signature by
 * `issuerKey`, with an algorithm the axis accepts and a key of its family.
 */
export function checkSignedBy(signed: SignedStructure, issuerKey: KeyObject): SignatureCheck {
  if (WEAK_X509_SIGNATURE_ALGORITHMS.includes(signed.algorithmOid)) return 'weak-algorithm';
  const spec = X509_SIGNATURE_ALGORITHMS[signed.algorithmOid];
  if (spec === undefined) return 'unsupported-algorithm';
  if (issuerKey.asymmetricKeyType !== spec.keyType) return 'bad-signature';
  const modulus = issuerKey.asymmetricKeyDetails?.modulusLength ?? 0;
  if (spec.keyType === 'rsa' && modulus < MIN_RSA_MODULUS_BITS) return 'weak-algorithm';
  try {
    return verify(spec.hash, signed.tbs, issuerKey, signed.signature) ? 'ok' : 'bad-signature';
  } catch {
    // A malformed ECDSA signature value makes OpenSSL throw rather than say no.
    return 'bad-signature';
  }
}

/** The certificate as the result reports it. */
export function describeCertificate(certificate: ParsedCertificate): PathCertificate {
  return {
    subject: certificate.subject,
    issuer: certificate.issuer,
    serialNumber: certificate.serialNumber,
    notBefore: certificate.notBefore.toISOString(),
    notAfter: certificate.notAfter.toISOString(),
  };
}
