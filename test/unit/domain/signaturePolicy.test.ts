import { describe, expect, expectTypeOf, it } from 'vitest';
import { SIGNATURE_POLICIES, type SignaturePolicy } from '#shared/domain/records';
import {
  decide,
  type RejectionCode,
  type SignatureAssessment,
} from '#shared/domain/signaturePolicy';
import type { CertificatePathOutcome } from '#shared/signature/types';

type EnvelopeOutcome = SignatureAssessment['envelope']['outcome'];
type Expected = RejectionCode | 'accept';
/** `-`: the assessment has no certificate or signer part (the envelope is not valid). */
type Certificate = CertificatePathOutcome | '-';
type Signer = 'registered' | 'unregistered' | '-';

const ENVELOPE_OUTCOMES = ['valid', 'invalid', 'absent', 'unsupported-algorithm'] as const;
const CERTIFICATE_OUTCOMES = [
  'trusted',
  'untrusted',
  'expired',
  'not-yet-valid',
  'revoked',
  'bad-key-usage',
  'malformed',
] as const;

/** Reasons as the verifiers give them, so that messages can be checked for them. */
const ENVELOPE_REASON: Partial<Record<EnvelopeOutcome, string>> = {
  invalid: 'DIGEST_MISMATCH',
  'unsupported-algorithm': 'WEAK_ALGORITHM',
};
const CERTIFICATE_REASON: Record<Exclude<CertificatePathOutcome, 'trusted'>, string> = {
  untrusted: 'UNTRUSTED_ROOT',
  expired: 'CERTIFICATE_EXPIRED',
  'not-yet-valid': 'CERTIFICATE_NOT_YET_VALID',
  revoked: 'CERTIFICATE_REVOKED',
  'bad-key-usage': 'LEAF_KEY_USAGE',
  malformed: 'MALFORMED_CERTIFICATE',
};

const ACCEPT = 'accept';
const NOT_TRUSTED = 'SIGNER_CERTIFICATE_NOT_TRUSTED';

/**
 * Every assessment the axis can record, with the decision under each policy:
 * [envelope, certificate, signer, required, optional, report].
 */
const TABLE: ReadonlyArray<
  readonly [EnvelopeOutcome, Certificate, Signer, Expected, Expected, Expected]
> = [
  ['absent', '-', '-', 'SIGNATURE_REQUIRED', ACCEPT, ACCEPT],
  ['invalid', '-', '-', 'SIGNATURE_INVALID', 'SIGNATURE_INVALID', ACCEPT],
  ['unsupported-algorithm', '-', '-', 'SIGNATURE_ALGORITHM_UNSUPPORTED', ACCEPT, ACCEPT],
  ['valid', 'trusted', 'registered', ACCEPT, ACCEPT, ACCEPT],
  ['valid', 'trusted', 'unregistered', 'SIGNER_NOT_REGISTERED', ACCEPT, ACCEPT],
  ['valid', 'untrusted', 'registered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'untrusted', 'unregistered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'expired', 'registered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'expired', 'unregistered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'not-yet-valid', 'registered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'not-yet-valid', 'unregistered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'revoked', 'registered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'revoked', 'unregistered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'bad-key-usage', 'registered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'bad-key-usage', 'unregistered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'malformed', 'registered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
  ['valid', 'malformed', 'unregistered', NOT_TRUSTED, NOT_TRUSTED, ACCEPT],
];

const POLICY_COLUMN: Record<SignaturePolicy, 3 | 4 | 5> = { required: 3, optional: 4, report: 5 };

const ROWS = TABLE.flatMap((row) =>
  SIGNATURE_POLICIES.map(
    (policy) => [policy, row[0], row[1], row[2], row[POLICY_COLUMN[policy]]] as const,
  ),
);

/** The assessment assessSignature records for that combination. */
function assessment(
  envelope: EnvelopeOutcome,
  certificate: Certificate,
  signer: Signer,
): SignatureAssessment {
  const reason = ENVELOPE_REASON[envelope];
  const found = { envelope: { outcome: envelope, ...(reason ? { reason } : {}) } };
  if (certificate === '-' || signer === '-') return found;
  return {
    ...found,
    certificate: {
      outcome: certificate,
      ...(certificate === 'trusted' ? {} : { reason: CERTIFICATE_REASON[certificate] }),
      chain: ['CN=Signer, O=Agency, C=VN', 'CN=CA, C=VN', 'CN=Root, C=VN'],
      warnings: [],
    },
    signer: {
      fingerprint: 'ab'.repeat(32),
      subject: 'CN=Signer, O=Agency, C=VN',
      registered: signer === 'registered',
    },
  };
}

describe('decide: the complete table', () => {
  it('covers every outcome the verifiers can give', () => {
    expectTypeOf<(typeof ENVELOPE_OUTCOMES)[number]>().toEqualTypeOf<EnvelopeOutcome>();
    expectTypeOf<(typeof CERTIFICATE_OUTCOMES)[number]>().toEqualTypeOf<CertificatePathOutcome>();
    const combinations = [
      ...ENVELOPE_OUTCOMES.filter((outcome) => outcome !== 'valid').map((outcome) => [
        outcome,
        '-',
        '-',
      ]),
      ...CERTIFICATE_OUTCOMES.flatMap((outcome) => [
        ['valid', outcome, 'registered'],
        ['valid', outcome, 'unregistered'],
      ]),
    ].map((combination) => combination.join(' '));

    const rows = TABLE.map((row) => row.slice(0, 3).join(' '));

    expect([...rows].sort()).toEqual([...combinations].sort());
    expect(new Set(rows).size).toBe(rows.length);
  });

  it.each(ROWS)(
    '%s: envelope %s, certificate %s, signer %s → %s',
    (policy, envelope, certificate, signer, expected) => {
      const found = assessment(envelope, certificate, signer);

      const decision = decide(policy, found);

      if (expected === ACCEPT) {
        expect(decision).toEqual({ accept: true });
      } else {
        expect(decision).toEqual({ accept: false, code: expected, message: expect.any(String) });
      }
    },
  );
});

describe('decide: what a refusal says', () => {
  it.each([
    ['an invalid envelope', 'invalid', '-', 'DIGEST_MISMATCH'],
    ['an unsupported algorithm', 'unsupported-algorithm', '-', 'WEAK_ALGORITHM'],
    ['an expired certificate', 'valid', 'expired', 'CERTIFICATE_EXPIRED'],
    ['a certificate of an unknown root', 'valid', 'untrusted', 'UNTRUSTED_ROOT'],
  ] as const)('names the reason for %s', (_name, envelope, certificate, reason) => {
    const found = assessment(envelope, certificate, 'registered');

    const decision = decide('required', found);

    expect(decision.accept).toBe(false);
    expect(decision.accept ? '' : decision.message).toContain(reason);
  });

  it('names the certificate outcome when the path has no reason', () => {
    const found: SignatureAssessment = {
      envelope: { outcome: 'valid' },
      certificate: { outcome: 'revoked', chain: [], warnings: [] },
      signer: { fingerprint: 'cd'.repeat(32), subject: 'CN=Signer', registered: true },
    };

    const decision = decide('optional', found);

    expect(decision).toEqual({
      accept: false,
      code: NOT_TRUSTED,
      message: "the signer's certificate is revoked",
    });
  });
});

describe('decide: edges of the table', () => {
  it.each(SIGNATURE_POLICIES)('lets path warnings through under %s', (policy) => {
    const found = assessment('valid', 'trusted', 'registered');
    const warned: SignatureAssessment = {
      ...found,
      certificate: {
        ...(found.certificate as NonNullable<SignatureAssessment['certificate']>),
        warnings: ['CRL_STALE', 'NO_CRL_FOR_ISSUER'],
      },
    };

    expect(decide(policy, warned)).toEqual({ accept: true });
  });

  it('fails closed under required for a valid envelope without a signer part', () => {
    const found: SignatureAssessment = { envelope: { outcome: 'valid' } };

    const decision = decide('required', found);

    expect(decision).toMatchObject({ accept: false, code: 'SIGNER_NOT_REGISTERED' });
  });

  it('decides on the certificate before the registration under required', () => {
    const found = assessment('valid', 'expired', 'unregistered');

    expect(decide('required', found)).toMatchObject({ code: NOT_TRUSTED });
  });
});
