/**
 * Validates the path from a signer's certificate to one of the configured
 * trust anchors (the Government's specialised roots, or the national root for
 * public CAs), at the time the document was signed or received.
 *
 * Synchronous on purpose: signatures are checked with Node's crypto on the
 * exact to-be-signed bytes, so the whole check is a pure function of its
 * inputs and the clock value passed in.
 */
import type { ParsedCertificate, SignatureCheck } from './certificates';
import {
  CertificateFormatError,
  checkSignedBy,
  couldHaveIssued,
  describeCertificate,
  KEY_USAGE,
  parseCertificate,
} from './certificates';
import type { CrlSet } from './revocation';
import { checkRevocation, parseCrls } from './revocation';
import type {
  CertificatePathCheck,
  CertificatePathOutcome,
  CertificatePathReason,
  PathWarning,
} from './types';

export interface CertificatePathOptions {
  /** DER of the roots the axis trusts; configuration, so a malformed one throws. */
  readonly trustAnchors: readonly Uint8Array[];
  /** DER of intermediates from configuration, for signatures that embed only the leaf. */
  readonly intermediates?: readonly Uint8Array[];
  /** DER of certificates the signature carried; unreadable ones are skipped. */
  readonly embedded?: readonly Uint8Array[];
  /** DER CRLs; unreadable or unverifiable ones are skipped and reported. */
  readonly crls?: readonly Uint8Array[];
  /** When the signature is taken to have been made: signing or receipt time. */
  readonly at: Date;
  /** Tolerance around validity and revocation dates; default 5 min, at most 1 h. */
  readonly clockSkewMs?: number;
  /** The current time, to tell stale CRLs; defaults to the system clock. */
  readonly now?: Date;
}

export const DEFAULT_CLOCK_SKEW_MS = 5 * 60 * 1000;
/** More skew than this would let an expired certificate pass as valid. */
export const MAX_CLOCK_SKEW_MS = 60 * 60 * 1000;
/** Certificates in a path, leaf and anchor included; national PKIs need 3 or 4. */
export const MAX_PATH_CERTIFICATES = 8;
/**
 * Embedded certificates come from the sender; this caps the signature checks
 * one path search may spend on them, so crafted look-alikes cannot make the
 * search expensive.
 */
const MAX_SIGNATURE_CHECKS = 64;
/** Enough alternatives to get past an expired or revoked duplicate; more is no help. */
const MAX_PATHS = 16;

/**
 * Builds and validates the certificate path of `leafDer`.
 *
 * Path: leaf → intermediates (embedded and configured) → a trust anchor,
 * each link matched on names, on key identifiers when both sides have one,
 * and on a verified signature; at most {@link MAX_PATH_CERTIFICATES} long.
 * Then, in this order of precedence:
 * - critical extensions this module does not process, and pathLenConstraint
 *   → `untrusted`;
 * - a usable CRL of the issuer listing a certificate as revoked at or before
 *   `at` + skew → `revoked` (see {@link checkRevocation});
 * - intermediates must be CAs (basicConstraints cA) with keyCertSign; the
 *   anchor, when it has those extensions, too; the leaf must not be a CA and,
 *   when it has key usage, needs digitalSignature or nonRepudiation
 *   → `bad-key-usage`;
 * - every certificate valid at `at` ± skew → `expired` / `not-yet-valid`.
 * Warnings (CRL_STALE, NO_CRL_FOR_ISSUER) come with any built path.
 *
 * @example
 * const check = validateCertificatePath(signerDer, {
 *   trustAnchors: [rootG2Der],
 *   embedded: signatureCheck.embeddedCertificates,
 *   crls: [crlDer],
 *   at: receivedAt,
 * });
 * if (check.outcome !== 'trusted') reject(check.reason);
 *
 * @throws RangeError for a skew outside 0..1 h or an invalid date, TypeError
 *   for an unreadable configured anchor or intermediate: programming errors.
 */
export function validateCertificatePath(
  leafDer: Uint8Array,
  options: CertificatePathOptions,
): CertificatePathCheck {
  const timing = readTiming(options);
  const anchors = parseConfigured(options.trustAnchors, 'trust anchor');
  const configured = parseConfigured(options.intermediates ?? [], 'intermediate');
  let leaf: ParsedCertificate;
  try {
    leaf = parseCertificate(leafDer);
  } catch (error) {
    if (!(error instanceof CertificateFormatError)) throw error;
    return result(
      'malformed',
      'MALFORMED_CERTIFICATE',
      'The signer certificate cannot be read',
      [],
    );
  }

  const embedded = (options.embedded ?? []).flatMap(parseLeniently);
  const known = new Set([leaf.fingerprint, ...anchors.map((anchor) => anchor.fingerprint)]);
  const pool = uniqueCertificates([...embedded, ...configured]).filter(
    (certificate) => !known.has(certificate.fingerprint),
  );
  const search = searchPaths(leaf, pool, anchors);
  if (search.paths.length === 0) return untrusted(search);

  const crls = parseCrls(options.crls ?? []);
  let first: CertificatePathCheck | undefined;
  for (const path of search.paths) {
    const check = validatePath(path, crls, timing);
    if (check.outcome === 'trusted') return check;
    first ??= check;
  }
  return first as CertificatePathCheck;
}

interface Timing {
  readonly at: Date;
  readonly skewMs: number;
  readonly now: Date;
}

function readTiming(options: CertificatePathOptions): Timing {
  const skewMs = options.clockSkewMs ?? DEFAULT_CLOCK_SKEW_MS;
  if (!Number.isFinite(skewMs) || skewMs < 0 || skewMs > MAX_CLOCK_SKEW_MS) {
    throw new RangeError(`clockSkewMs must be between 0 and ${MAX_CLOCK_SKEW_MS}`);
  }
  const now = options.now ?? new Date();
  for (const [name, date] of [
    ['at', options.at],
    ['now', now],
  ] as const) {
    if (!(date instanceof Date) || Number.isNaN(date.getTime())) {
      throw new RangeError(`${name} must be a valid Date`);
    }
  }
  return { at: options.at, skewMs, now };
}

function parseConfigured(ders: readonly Uint8Array[], role: string): ParsedCertificate[] {
  return ders.map((der, index) => {
    try {
      return parseCertificate(der);
    } catch (error) {
      throw new TypeError(`configured ${role} number ${index + 1} is not a certificate`, {
        cause: error,
      });
    }
  });
}

function parseLeniently(der: Uint8Array): ParsedCertificate[] {
  try {
    return [parseCertificate(der)];
  } catch {
    // The sender's extra certificates are hints; an unreadable one is no reason to fail.
    return [];
  }
}

function uniqueCertificates(certificates: ParsedCertificate[]): ParsedCertificate[] {
  const seen = new Set<string>();
  return certificates.filter((certificate) => {
    if (seen.has(certificate.fingerprint)) return false;
    seen.add(certificate.fingerprint);
    return true;
  });
}

type SearchFailure = Exclude<SignatureCheck, 'ok'> | 'too-long';

interface Search {
  readonly paths: ParsedCertificate[][];
  readonly failures: Set<SearchFailure>;
  readonly verdicts: Map<string, SignatureCheck>;
  deepest: ParsedCertificate[];
}

/**
 * Depth-first search for every path to an anchor, anchors tried first at each
 * step. Several paths can exist (a CA re-keyed under the same name, or the
 * same intermediate both embedded and configured); the caller takes the first
 * one that validates.
 */
function searchPaths(
  leaf: ParsedCertificate,
  pool: readonly ParsedCertificate[],
  anchors: readonly ParsedCertificate[],
): Search {
  const search: Search = { paths: [], failures: new Set(), verdicts: new Map(), deepest: [] };
  const verdict = (subject: ParsedCertificate, issuer: ParsedCertificate) => {
    const key = `${subject.fingerprint}/${issuer.fingerprint}`;
    const known = search.verdicts.get(key);
    if (known) return known;
    if (search.verdicts.size >= MAX_SIGNATURE_CHECKS) return 'too-long';
    const check = checkSignedBy(subject.signed, issuer.publicKey);
    search.verdicts.set(key, check);
    return check;
  };
  const extend = (chain: ParsedCertificate[]): void => {
    if (search.paths.length >= MAX_PATHS) return;
    const current = chain.at(-1) as ParsedCertificate;
    if (chain.length > search.deepest.length) search.deepest = chain;
    for (const anchor of anchors.filter((candidate) => couldHaveIssued(candidate, current))) {
      const check = verdict(current, anchor);
      if (check === 'ok') search.paths.push([...chain, anchor]);
      else search.failures.add(check);
    }
    const issuers = pool.filter(
      (candidate) => !chain.includes(candidate) && couldHaveIssued(candidate, current),
    );
    if (issuers.length > 0 && chain.length + 2 > MAX_PATH_CERTIFICATES) {
      search.failures.add('too-long');
      return;
    }
    for (const issuer of issuers) {
      const check = verdict(current, issuer);
      if (check === 'ok') extend([...chain, issuer]);
      else search.failures.add(check);
    }
  };
  extend([leaf]);
  return search;
}

const SEARCH_FAILURES: ReadonlyArray<[SearchFailure, CertificatePathReason, string]> = [
  [
    'weak-algorithm',
    'WEAK_CERTIFICATE_ALGORITHM',
    'A certificate of the path is signed with MD5 or SHA-1, or by an RSA key under 2048 bits',
  ],
  [
    'unsupported-algorithm',
    'UNSUPPORTED_CERTIFICATE_ALGORITHM',
    'A certificate of the path is signed with an algorithm the axis does not support',
  ],
  [
    'bad-signature',
    'BAD_CERTIFICATE_SIGNATURE',
    'A certificate names an issuer whose key did not sign it',
  ],
  [
    'too-long',
    'PATH_TOO_LONG',
    `No path of at most ${MAX_PATH_CERTIFICATES} certificates was found within the search limits`,
  ],
];

function untrusted(search: Search): CertificatePathCheck {
  const chain = search.deepest;
  const failure = SEARCH_FAILURES.find(([kind]) => search.failures.has(kind));
  if (failure) return result('untrusted', failure[1], failure[2], chain);
  const top = chain.at(-1) as ParsedCertificate;
  if (top.selfIssued) {
    return result(
      'untrusted',
      'UNTRUSTED_ROOT',
      `The path ends at ${top.subject}, which is not a configured trust anchor`,
      chain,
    );
  }
  return result(
    'untrusted',
    'INCOMPLETE_CHAIN',
    `No certificate of issuer ${top.issuer} was embedded or configured`,
    chain,
  );
}

interface Failure {
  readonly outcome: CertificatePathOutcome;
  readonly reason: CertificatePathReason;
  readonly detail: string;
}

function validatePath(
  path: ParsedCertificate[],
  crls: CrlSet,
  timing: Timing,
): CertificatePathCheck {
  const warnings: PathWarning[] = [];
  let revoked: Failure | undefined;
  // From the top down, so that a revoked CA is reported rather than its leaf.
  for (let i = path.length - 2; i >= 0; i -= 1) {
    const subject = path[i] as ParsedCertificate;
    const check = checkRevocation(subject, path[i + 1] as ParsedCertificate, crls, {
      at: timing.at,
      clockSkewMs: timing.skewMs,
      now: timing.now,
    });
    warnings.unshift(...check.warnings);
    if (check.revokedAt && !revoked) {
      revoked = {
        outcome: 'revoked',
        reason: 'CERTIFICATE_REVOKED',
        detail: `${subject.subject} was revoked at ${check.revokedAt.toISOString()}`,
      };
    }
  }
  const failure =
    constraintFailure(path) ?? revoked ?? keyUsageFailure(path) ?? validityFailure(path, timing);
  return failure
    ? result(failure.outcome, failure.reason, failure.detail, path, warnings)
    : result('trusted', undefined, undefined, path, warnings);
}

function constraintFailure(path: ParsedCertificate[]): Failure | undefined {
  for (const certificate of path.slice(0, -1)) {
    const [extension] = certificate.unknownCriticalExtensions;
    if (extension !== undefined) {
      return {
        outcome: 'untrusted',
        reason: 'UNKNOWN_CRITICAL_EXTENSION',
        detail: `${certificate.subject} has critical extension ${extension}, not processed here`,
      };
    }
  }
  for (let i = 1; i < path.length; i += 1) {
    const certificate = path[i] as ParsedCertificate;
    const limit = certificate.basicConstraints?.pathLength;
    // Self-issued intermediates (re-keys) do not count against the limit (RFC 5280 6.1.4).
    const below = path.slice(1, i).filter((c) => !c.selfIssued).length;
    if (limit !== undefined && below > limit) {
      return {
        outcome: 'untrusted',
        reason: 'PATH_LENGTH_CONSTRAINT',
        detail: `${certificate.subject} allows ${limit} intermediate(s) below it, not ${below}`,
      };
    }
  }
  return undefined;
}

function keyUsageFailure(path: ParsedCertificate[]): Failure | undefined {
  const leaf = path[0] as ParsedCertificate;
  if (leaf.basicConstraints?.ca === true) {
    return badUsage('LEAF_IS_CA', `The signer certificate ${leaf.subject} is a CA certificate`);
  }
  const signing = KEY_USAGE.digitalSignature | KEY_USAGE.nonRepudiation;
  if (leaf.keyUsage !== undefined && (leaf.keyUsage & signing) === 0) {
    return badUsage(
      'LEAF_KEY_USAGE',
      `The signer certificate ${leaf.subject} allows neither digitalSignature nor nonRepudiation`,
    );
  }
  for (let i = 1; i < path.length; i += 1) {
    const certificate = path[i] as ParsedCertificate;
    // An anchor is trusted by configuration; old roots may lack these extensions.
    const isAnchor = i === path.length - 1;
    const basic = certificate.basicConstraints;
    if (basic ? !basic.ca : !isAnchor) {
      return badUsage('NOT_A_CA', `${certificate.subject} is not a CA (basicConstraints)`);
    }
    const usage = certificate.keyUsage;
    if (usage === undefined ? !isAnchor : (usage & KEY_USAGE.keyCertSign) === 0) {
      return badUsage('CA_KEY_USAGE', `${certificate.subject} may not sign certificates`);
    }
  }
  return undefined;
}

function badUsage(reason: CertificatePathReason, detail: string): Failure {
  return { outcome: 'bad-key-usage', reason, detail };
}

function validityFailure(path: ParsedCertificate[], timing: Timing): Failure | undefined {
  const at = timing.at.getTime();
  for (const certificate of [...path].reverse()) {
    if (at < certificate.notBefore.getTime() - timing.skewMs) {
      return {
        outcome: 'not-yet-valid',
        reason: 'CERTIFICATE_NOT_YET_VALID',
        detail: `${certificate.subject} is valid from ${certificate.notBefore.toISOString()}`,
      };
    }
    if (at > certificate.notAfter.getTime() + timing.skewMs) {
      return {
        outcome: 'expired',
        reason: 'CERTIFICATE_EXPIRED',
        detail: `${certificate.subject} expired at ${certificate.notAfter.toISOString()}`,
      };
    }
  }
  return undefined;
}

function result(
  outcome: CertificatePathOutcome,
  reason: CertificatePathReason | undefined,
  detail: string | undefined,
  chain: readonly ParsedCertificate[],
  warnings: readonly PathWarning[] = [],
): CertificatePathCheck {
  return {
    outcome,
    ...(reason ? { reason } : {}),
    ...(detail ? { detail } : {}),
    chain: chain.map(describeCertificate),
    warnings,
  };
}
