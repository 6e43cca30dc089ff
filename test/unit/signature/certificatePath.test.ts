import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificatePathOptions } from '#shared/signature/certificatePath';
import { validateCertificatePath } from '#shared/signature/certificatePath';
import type { TestCertificate, TestPki } from '../../support/testPki';
import { createTestPki, generateKeys, KeyUsageFlags } from '../../support/testPki';

const NOW = new Date('2025-06-01T00:00:00Z');
const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

let pki: TestPki;
let other: TestPki;

beforeAll(async () => {
  const [ours, otherKeys] = await Promise.all([createTestPki({ now: NOW }), generateKeys()]);
  pki = ours;
  const keys = { root: otherKeys, intermediate: otherKeys, leaf: otherKeys };
  other = await createTestPki({ now: NOW, label: 'Other', keys });
});

function validate(leaf: TestCertificate, options: Partial<CertificatePathOptions> = {}) {
  return validateCertificatePath(leaf.der, {
    trustAnchors: [pki.root.der],
    embedded: [pki.intermediate.der],
    at: NOW,
    now: NOW,
    ...options,
  });
}

describe('a good path', () => {
  it('leaf → intermediate (embedded) → root is trusted, with the chain reported', () => {
    const result = validate(pki.leaf);

    expect(result.outcome).toBe('trusted');
    expect(result.reason).toBeUndefined();
    expect(result.chain.map((entry) => entry.subject)).toEqual([
      pki.leaf.subject,
      pki.intermediate.subject,
      pki.root.subject,
    ]);
    expect(result.chain[0]).toEqual({
      subject: pki.leaf.subject,
      issuer: pki.intermediate.subject,
      serialNumber: pki.leaf.serialNumber,
      notBefore: pki.leaf.certificate.notBefore.toISOString(),
      notAfter: pki.leaf.certificate.notAfter.toISOString(),
    });
  });

  it('without CRLs, says so for each issuer rather than staying silent', () => {
    const result = validate(pki.leaf);

    expect(result.warnings.map((warning) => warning.code)).toEqual([
      'NO_CRL_FOR_ISSUER',
      'NO_CRL_FOR_ISSUER',
    ]);
    expect(result.warnings[0]?.detail).toContain(pki.intermediate.subject);
    expect(result.warnings[1]?.detail).toContain(pki.root.subject);
  });

  it('is trusted with the intermediate from configuration only', () => {
    const result = validate(pki.leaf, { embedded: [], intermediates: [pki.intermediate.der] });

    expect(result.outcome).toBe('trusted');
    expect(result.chain).toHaveLength(3);
  });

  it('is trusted with the intermediate both embedded and configured', () => {
    const result = validate(pki.leaf, { intermediates: [pki.intermediate.der] });

    expect(result.outcome).toBe('trusted');
    expect(result.chain).toHaveLength(3);
  });

  it('ignores unreadable certificates the sender embedded', () => {
    const result = validate(pki.leaf, {
      embedded: [new Uint8Array([0x30, 0x00]), pki.intermediate.der, pki.root.der],
    });

    expect(result.outcome).toBe('trusted');
  });

  it('finds the renewed intermediate when an expired copy of it comes first', async () => {
    const expiredCopy = await pki.issueCa({ notAfter: at(-DAY) });

    const result = validate(pki.leaf, { embedded: [expiredCopy.der, pki.intermediate.der] });

    expect(result.outcome).toBe('trusted');
    expect(result.chain[1]?.serialNumber).toBe(pki.intermediate.serialNumber);
  });

  it.each([
    ['digitalSignature only', KeyUsageFlags.digitalSignature],
    ['nonRepudiation only', KeyUsageFlags.nonRepudiation],
    ['no key usage extension', null],
  ])('accepts a leaf with %s', async (_what, keyUsages) => {
    const leaf = await pki.issueLeaf({ keyUsages });

    expect(validate(leaf).outcome).toBe('trusted');
  });
});

describe('time', () => {
  it.each<{ what: string; issue: () => Promise<TestCertificate>; skew?: number; outcome: string }>([
    {
      what: 'a leaf expired a day before',
      issue: () => pki.issueLeaf({ notAfter: at(-DAY) }),
      outcome: 'expired',
    },
    {
      what: 'a leaf expired two minutes before (within the default skew)',
      issue: () => pki.issueLeaf({ notAfter: at(-2 * MINUTE) }),
      outcome: 'trusted',
    },
    {
      what: 'a leaf expired two minutes before, with no skew',
      issue: () => pki.issueLeaf({ notAfter: at(-2 * MINUTE) }),
      skew: 0,
      outcome: 'expired',
    },
    {
      what: 'a leaf valid from tomorrow',
      issue: () => pki.issueLeaf({ notBefore: at(DAY) }),
      outcome: 'not-yet-valid',
    },
    {
      what: 'a leaf valid two minutes later (within the default skew)',
      issue: () => pki.issueLeaf({ notBefore: at(2 * MINUTE) }),
      outcome: 'trusted',
    },
    {
      what: 'a leaf valid two minutes later, with no skew',
      issue: () => pki.issueLeaf({ notBefore: at(2 * MINUTE) }),
      skew: 0,
      outcome: 'not-yet-valid',
    },
    {
      what: 'a leaf valid 30 minutes later, with a 1 h skew',
      issue: () => pki.issueLeaf({ notBefore: at(30 * MINUTE) }),
      skew: 60 * MINUTE,
      outcome: 'trusted',
    },
  ])('$what → $outcome', async ({ issue, skew, outcome }) => {
    const leaf = await issue();

    const result = validate(leaf, skew === undefined ? {} : { clockSkewMs: skew });

    expect(result.outcome).toBe(outcome);
    expect(result.reason).toBe(
      {
        trusted: undefined,
        expired: 'CERTIFICATE_EXPIRED',
        'not-yet-valid': 'CERTIFICATE_NOT_YET_VALID',
      }[outcome],
    );
  });

  it('an intermediate that expired before the signing time → expired', async () => {
    const intermediate = await pki.issueCa({ notAfter: at(-DAY) });

    const result = validate(pki.leaf, { embedded: [intermediate.der] });

    expect(result).toMatchObject({ outcome: 'expired', reason: 'CERTIFICATE_EXPIRED' });
    expect(result.detail).toContain(pki.intermediate.subject);
  });

  it('judges at the signing time, not at the current time', async () => {
    const leaf = await pki.issueLeaf({ notAfter: at(-DAY) });

    const result = validate(leaf, { at: at(-2 * DAY), now: NOW });

    expect(result.outcome).toBe('trusted');
  });
});

describe('trust', () => {
  it('finds its anchor among several, including a re-keyed root of the same name', async () => {
    const rekeyed = await pki.createRoot({ subject: pki.root.subject });

    const result = validate(pki.leaf, {
      trustAnchors: [rekeyed.der, other.root.der, pki.root.der],
    });

    expect(result.outcome).toBe('trusted');
    expect(result.chain[2]?.serialNumber).toBe(pki.root.serialNumber);
  });

  it('a path to another root → untrusted UNTRUSTED_ROOT', () => {
    const result = validate(other.leaf, { embedded: [other.intermediate.der, other.root.der] });

    expect(result).toMatchObject({ outcome: 'untrusted', reason: 'UNTRUSTED_ROOT' });
    expect(result.chain).toHaveLength(3);
  });

  it('a path to nowhere → untrusted INCOMPLETE_CHAIN', () => {
    const result = validate(other.leaf, { embedded: [other.intermediate.der] });

    expect(result).toMatchObject({ outcome: 'untrusted', reason: 'INCOMPLETE_CHAIN' });
    expect(result.chain).toHaveLength(2);
  });

  it('a missing intermediate → untrusted INCOMPLETE_CHAIN', () => {
    const result = validate(pki.leaf, { embedded: [] });

    expect(result).toMatchObject({ outcome: 'untrusted', reason: 'INCOMPLETE_CHAIN' });
    expect(result.chain.map((entry) => entry.subject)).toEqual([pki.leaf.subject]);
  });

  it('a leaf naming our CA but signed by another key → BAD_CERTIFICATE_SIGNATURE', async () => {
    const forged = await pki.issueLeaf({ signingKey: other.intermediate.keys.privateKey });

    expect(validate(forged)).toMatchObject({
      outcome: 'untrusted',
      reason: 'BAD_CERTIFICATE_SIGNATURE',
    });
  });

  it("another root's intermediate with our intermediate's name → INCOMPLETE_CHAIN", async () => {
    const lookalike = await other.issueCa({ subject: pki.intermediate.subject });
    const leaf = await other.issueLeaf({ issuer: lookalike });

    const result = validate(leaf, { embedded: [pki.intermediate.der, lookalike.der] });

    expect(result).toMatchObject({ outcome: 'untrusted', reason: 'INCOMPLETE_CHAIN' });
    expect(result.chain[1]?.serialNumber).toBe(lookalike.serialNumber);
  });

  it('a leaf signed with SHA-1 → WEAK_CERTIFICATE_ALGORITHM', async () => {
    const sha1 = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-1' };
    const pkcs8 = await webcrypto.subtle.exportKey('pkcs8', pki.intermediate.keys.privateKey);
    const signingKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, sha1, false, ['sign']);
    const leaf = await pki.issueLeaf({ signingKey, signingAlgorithm: sha1 });

    expect(validate(leaf)).toMatchObject({
      outcome: 'untrusted',
      reason: 'WEAK_CERTIFICATE_ALGORITHM',
    });
  });

  it('more CAs than a path may hold → PATH_TOO_LONG', async () => {
    let issuer = pki.intermediate;
    const cas: TestCertificate[] = [];
    for (let level = 1; level <= 7; level += 1) {
      issuer = await pki.issueCa({
        subject: `CN=Sub CA ${level}, C=VN`,
        issuer,
        pathLength: undefined,
      });
      cas.push(issuer);
    }
    const leaf = await pki.issueLeaf({ issuer });

    const result = validate(leaf, { embedded: [pki.intermediate.der, ...cas.map((ca) => ca.der)] });

    expect(result).toMatchObject({ outcome: 'untrusted', reason: 'PATH_TOO_LONG' });
  });

  it('a sub-CA below an intermediate with pathLength 0 → PATH_LENGTH_CONSTRAINT', async () => {
    const subCa = await pki.issueCa({ subject: 'CN=Sub CA, C=VN', issuer: pki.intermediate });
    const leaf = await pki.issueLeaf({ issuer: subCa });

    const result = validate(leaf, { embedded: [subCa.der, pki.intermediate.der] });

    expect(result).toMatchObject({ outcome: 'untrusted', reason: 'PATH_LENGTH_CONSTRAINT' });
  });

  it('an unknown critical extension → UNKNOWN_CRITICAL_EXTENSION', async () => {
    const critical = new x509.Extension('1.3.6.1.4.1.99999.1', true, new Uint8Array([5, 0]));
    const leaf = await pki.issueLeaf({ extensions: [critical] });

    expect(validate(leaf)).toMatchObject({
      outcome: 'untrusted',
      reason: 'UNKNOWN_CRITICAL_EXTENSION',
    });
  });

  it('an unknown extension that is not critical is ignored', async () => {
    const optional = new x509.Extension('1.3.6.1.4.1.99999.1', false, new Uint8Array([5, 0]));
    const leaf = await pki.issueLeaf({ extensions: [optional] });

    expect(validate(leaf).outcome).toBe('trusted');
  });
});

describe('key usage and CA flags', () => {
  it.each<{
    what: string;
    issue: () => Promise<[TestCertificate, TestCertificate?]>;
    reason: string;
  }>([
    {
      what: 'a leaf without digitalSignature or nonRepudiation',
      issue: async () => [await pki.issueLeaf({ keyUsages: KeyUsageFlags.keyEncipherment })],
      reason: 'LEAF_KEY_USAGE',
    },
    {
      what: 'a leaf that is a CA',
      issue: async () => [
        await pki.issueLeaf({
          ca: true,
          keyUsages: KeyUsageFlags.digitalSignature | KeyUsageFlags.keyCertSign,
        }),
      ],
      reason: 'LEAF_IS_CA',
    },
    {
      what: 'an intermediate with cA false',
      issue: async () => {
        const intermediate = await pki.issueCa({ ca: false });
        return [await pki.issueLeaf({ issuer: intermediate }), intermediate];
      },
      reason: 'NOT_A_CA',
    },
    {
      what: 'an intermediate without basicConstraints',
      issue: async () => {
        const intermediate = await pki.issueCa({ ca: null });
        return [await pki.issueLeaf({ issuer: intermediate }), intermediate];
      },
      reason: 'NOT_A_CA',
    },
    {
      what: 'an intermediate without keyCertSign',
      issue: async () => {
        const intermediate = await pki.issueCa({
          keyUsages: KeyUsageFlags.cRLSign | KeyUsageFlags.digitalSignature,
        });
        return [await pki.issueLeaf({ issuer: intermediate }), intermediate];
      },
      reason: 'CA_KEY_USAGE',
    },
    {
      what: 'an intermediate without key usage',
      issue: async () => {
        const intermediate = await pki.issueCa({ keyUsages: null });
        return [await pki.issueLeaf({ issuer: intermediate }), intermediate];
      },
      reason: 'CA_KEY_USAGE',
    },
  ])('$what → bad-key-usage $reason', async ({ issue, reason }) => {
    const [leaf, intermediate] = await issue();

    const result = validate(leaf, { embedded: [(intermediate ?? pki.intermediate).der] });

    expect(result).toMatchObject({ outcome: 'bad-key-usage', reason });
    expect(result.chain).toHaveLength(3);
  });
});

describe('inputs', () => {
  it('an unreadable leaf → malformed', () => {
    const result = validateCertificatePath(new Uint8Array([1, 2, 3]), {
      trustAnchors: [pki.root.der],
      at: NOW,
    });

    expect(result).toEqual({
      outcome: 'malformed',
      reason: 'MALFORMED_CERTIFICATE',
      detail: expect.any(String),
      chain: [],
      warnings: [],
    });
  });

  it('a leaf with bytes after the certificate → malformed', () => {
    const padded = new Uint8Array([...pki.leaf.der, 0]);

    expect(validate({ ...pki.leaf, der: padded }).outcome).toBe('malformed');
  });

  it.each([-1, 60 * MINUTE + 1, Number.NaN])(
    'refuses clockSkewMs %s as a programming error',
    (skew) => {
      expect(() => validate(pki.leaf, { clockSkewMs: skew })).toThrow(RangeError);
    },
  );

  it('refuses an invalid date as a programming error', () => {
    expect(() => validate(pki.leaf, { at: new Date('not a date') })).toThrow(RangeError);
  });

  it('refuses an unreadable configured trust anchor as a programming error', () => {
    expect(() => validate(pki.leaf, { trustAnchors: [new Uint8Array([1])] })).toThrow(TypeError);
  });
});
