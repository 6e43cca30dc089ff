/**
 * Revocation by CRL. A CRL counts only when it is a complete CRL signed by
 * the very issuer of the certificate in question; anything else is ignored
 * and the gap is reported as a warning, never silently treated as "not
 * revoked".
 */
import 'reflect-metadata';
import { AuthorityKeyIdentifierExtension, X509Crl } from '@peculiar/x509';
import type { ParsedCertificate } from './certificates';
import { checkSignedBy, KEY_USAGE, namesMatch } from './certificates';
import type { SignedStructure } from './der';
import { splitSigned } from './der';
import type { PathWarning } from './types';

export interface ParsedCrl {
  readonly crl: X509Crl;
  readonly signed: SignedStructure;
  readonly issuer: string;
  readonly issuerName: Uint8Array;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly authorityKeyId?: string;
  /** Why it cannot serve as a complete CRL, when it cannot. */
  readonly unusable?: string;
}

export interface CrlSet {
  readonly crls: readonly ParsedCrl[];
  /** How many of the supplied CRLs could not be read at all. */
  readonly unreadable: number;
}

/**
 * Extensions a complete CRL may carry. Delta CRLs (2.5.29.27) and partitioned
 * ones (issuingDistributionPoint, 2.5.29.28) cover only part of the issuer's
 * revocations, so relying on one would read "absent" as "not revoked".
 */
const KNOWN_CRL_EXTENSIONS: readonly string[] = [
  '2.5.29.20', // cRLNumber
  '2.5.29.35', // authorityKeyIdentifier
  '2.5.29.18', // issuerAltName
  '2.5.29.46', // freshestCRL
  '1.3.6.1.5.5.7.1.1', // authorityInfoAccess
];

const PARTIAL_CRL_EXTENSIONS: Readonly<Record<string, string>> = {
  '2.5.29.27': 'it is a delta CRL',
  '2.5.29.28': 'it is partitioned (issuingDistributionPoint)',
};

/** Parses the supplied CRLs, counting rather than throwing on unreadable ones. */
export function parseCrls(ders: readonly Uint8Array[]): CrlSet {
  const crls: ParsedCrl[] = [];
  let unreadable = 0;
  for (const der of ders) {
    try {
      crls.push(parseCrl(der));
    } catch {
      // A corrupt download must not stop verification; the gap becomes a warning.
      unreadable += 1;
    }
  }
  return { crls, unreadable };
}

function parseCrl(der: Uint8Array): ParsedCrl {
  const signed = splitSigned(der);
  const crl = new X509Crl(der);
  return {
    crl,
    signed,
    issuer: crl.issuer,
    issuerName: new Uint8Array(crl.issuerName.toArrayBuffer()),
    thisUpdate: crl.thisUpdate,
    nextUpdate: crl.nextUpdate,
    authorityKeyId: crl.getExtension(AuthorityKeyIdentifierExtension)?.keyId,
    unusable: unusableBecause(crl),
  };
}

function unusableBecause(crl: X509Crl): string | undefined {
  for (const extension of crl.extensions) {
    const partial = PARTIAL_CRL_EXTENSIONS[extension.type];
    if (partial) return partial;
    if (extension.critical && !KNOWN_CRL_EXTENSIONS.includes(extension.type)) {
      return `it has an unknown critical extension ${extension.type}`;
    }
  }
  return undefined;
}

export interface RevocationCheck {
  /** Set when a usable CRL lists the certificate as revoked at or before `at` (+ skew). */
  readonly revokedAt?: Date;
  readonly warnings: readonly PathWarning[];
}

export interface RevocationOptions {
  readonly at: Date;
  readonly clockSkewMs: number;
  readonly now: Date;
}

/**
 * Looks `subject` up in every usable CRL of `issuer`.
 *
 * A CRL is usable when its issuer name is the issuer's subject, its
 * authority key identifier (when both sides have one) is the issuer's, the
 * issuer may sign CRLs (cRLSign, when key usage is present), its signature
 * verifies with the issuer's key, and it is complete (not delta, not
 * partitioned). A revocation dated after `at` + skew does not count: the
 * signature was made while the certificate was good. A CRL past its
 * nextUpdate is still used, since a revocation it lists stays true, but is
 * reported as CRL_STALE because it says nothing of what came after.
 */
export function checkRevocation(
  subject: ParsedCertificate,
  issuer: ParsedCertificate,
  set: CrlSet,
  options: RevocationOptions,
): RevocationCheck {
  const ignored: string[] = [];
  const usable = set.crls.filter((crl) => {
    if (!namesMatch(crl.issuerName, crl.issuer, issuer.subjectName, issuer.subject)) return false;
    const problem = problemWith(crl, issuer);
    if (problem) ignored.push(problem);
    return problem === undefined;
  });
  if (usable.length === 0) {
    return { warnings: [noCrlWarning(issuer, ignored, set.unreadable)] };
  }

  const latest = usable.reduce((a, b) => (b.thisUpdate > a.thisUpdate ? b : a));
  const warnings: PathWarning[] = [];
  if (latest.nextUpdate !== undefined && latest.nextUpdate < options.now) {
    warnings.push({
      code: 'CRL_STALE',
      detail:
        `The newest CRL from ${issuer.subject} was due for renewal at ` +
        `${latest.nextUpdate.toISOString()}; revocations after it are unknown`,
    });
  }
  const limit = options.at.getTime() + options.clockSkewMs;
  for (const crl of usable) {
    const entry = crl.crl.findRevoked(subject.serialNumber);
    if (entry && entry.revocationDate.getTime() <= limit) {
      return { revokedAt: entry.revocationDate, warnings };
    }
  }
  return { warnings };
}

function problemWith(crl: ParsedCrl, issuer: ParsedCertificate): string | undefined {
  if (crl.unusable) return crl.unusable;
  if (
    crl.authorityKeyId !== undefined &&
    issuer.subjectKeyId !== undefined &&
    crl.authorityKeyId !== issuer.subjectKeyId
  ) {
    return 'it was issued under another key of that name';
  }
  if (issuer.keyUsage !== undefined && (issuer.keyUsage & KEY_USAGE.cRLSign) === 0) {
    return 'the issuer may not sign CRLs (no cRLSign)';
  }
  const signature = checkSignedBy(crl.signed, issuer.publicKey);
  return signature === 'ok' ? undefined : `its signature does not verify (${signature})`;
}

function noCrlWarning(issuer: ParsedCertificate, ignored: string[], unreadable: number) {
  const notes = [...new Set(ignored)];
  let detail = `No usable CRL from ${issuer.subject}; revocation of its certificates is unknown`;
  if (notes.length > 0) {
    detail += `. ${ignored.length} CRL(s) naming it were ignored: ${notes.join('; ')}`;
  }
  if (unreadable > 0) detail += `. ${unreadable} supplied CRL(s) could not be read`;
  return { code: 'NO_CRL_FOR_ISSUER' as const, detail };
}
