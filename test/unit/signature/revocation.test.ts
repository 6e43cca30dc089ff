import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CertificatePathOptions } from '#shared/signature/certificatePath';
import { validateCertificatePath } from '#shared/signature/certificatePath';
import type { CrlOptions, TestCertificate, TestPki } from '../../support/testPki';
import { createTestPki, generateKeys, KeyUsageFlags } from '../../support/testPki';

const NOW = new Date('2025-06-01T00:00:00Z');
const MINUTE = 60 * 1000;
const DAY = 24 * 60 * MINUTE;
const at = (offsetMs: number) => new Date(NOW.getTime() + offsetMs);

let pki: TestPki;
let other: TestPki;
/** A CRL of the root listing nothing, so only the intermediate's CRL is in question. */
let rootCrl: Uint8Array;

beforeAll(async () => {
  const [ours, otherKeys] = await Promise.all([createTestPki({ now: NOW }), generateKeys()]);
  pki = ours;
  const keys = { root: otherKeys, intermediate: otherKeys, leaf: otherKeys };
  other = await createTestPki({ now: NOW, label: 'Other', keys });
  rootCrl = await pki.createCrl({ issuer: pki.root, nextUpdate: at(365 * DAY) });
});

function validate(crls: Uint8Array[], options: Partial<CertificatePathOptions> = {}) {
  return validateCertificatePath(pki.leaf.der, {
    trustAnchors: [pki.root.der],
    embedded: [pki.intermediate.der],
    crls,
    at: NOW,
    now: NOW,
    ...options,
  });
}

function intermediateCrl(options: Omit<CrlOptions, 'issuer'> = {}): Promise<Uint8Array> {
  return pki.createCrl({ issuer: pki.intermediate, ...options });
}

function revokedLeaf(revocationDate: Date): CrlOptions['revoked'] {
  return [{ serialNumber: pki.leaf.serialNumber, revocationDate }];
}

describe('revocation by CRL', () => {
  it('fresh CRLs from both issuers listing nothing → trusted without warnings', async () => {
    const result = validate([await intermediateCrl(), rootCrl]);

    expect(result).toMatchObject({ outcome: 'trusted', warnings: [] });
  });

  it.each<{ what: string; revokedAt: Date; outcome: string }>([
    { what: 'a day before the signing time', revokedAt: at(-DAY), outcome: 'revoked' },
    { what: 'two minutes after it (within skew)', revokedAt: at(2 * MINUTE), outcome: 'revoked' },
    { what: 'a day after it', revokedAt: at(DAY), outcome: 'trusted' },
    { what: 'an hour after it', revokedAt: at(60 * MINUTE), outcome: 'trusted' },
  ])('a leaf revoked $what → $outcome', async ({ revokedAt, outcome }) => {
    const crl = await intermediateCrl({
      thisUpdate: at(2 * DAY),
      revoked: revokedLeaf(revokedAt),
    });

    const result = validate([crl, rootCrl], { now: at(3 * DAY) });

    expect(result.outcome).toBe(outcome);
    if (outcome === 'revoked') {
      expect(result.reason).toBe('CERTIFICATE_REVOKED');
      expect(result.detail).toContain(revokedAt.toISOString());
      expect(result.chain).toHaveLength(3);
    }
  });

  it('a revoked intermediate, listed by the root → revoked, naming the intermediate', async () => {
    const crl = await pki.createCrl({
      issuer: pki.root,
      revoked: [{ serialNumber: pki.intermediate.serialNumber, revocationDate: at(-DAY) }],
    });

    const result = validate([await intermediateCrl(), crl]);

    expect(result).toMatchObject({ outcome: 'revoked', reason: 'CERTIFICATE_REVOKED' });
    expect(result.detail).toContain(pki.intermediate.subject);
  });

  it('revoked on hold counts as revoked', async () => {
    const crl = await intermediateCrl({
      revoked: [
        {
          serialNumber: pki.leaf.serialNumber,
          revocationDate: at(-DAY),
          reason: x509.X509CrlReason.certificateHold,
        },
      ],
    });

    expect(validate([crl, rootCrl]).outcome).toBe('revoked');
  });

  it('a CRL listing other serials leaves the leaf trusted', async () => {
    const crl = await intermediateCrl({
      revoked: [{ serialNumber: '0badc0de', revocationDate: at(-DAY) }],
    });

    expect(validate([crl, rootCrl]).outcome).toBe('trusted');
  });
});

describe('CRLs that cannot be relied on', () => {
  it('a stale CRL is still used, and says so', async () => {
    const stale = await intermediateCrl({ thisUpdate: at(-30 * DAY), nextUpdate: at(-DAY) });

    const result = validate([stale, rootCrl]);

    expect(result.outcome).toBe('trusted');
    expect(result.warnings).toEqual([
      { code: 'CRL_STALE', detail: expect.stringContaining(at(-DAY).toISOString()) },
    ]);
  });

  it('a stale CRL listing the leaf still revokes it', async () => {
    const stale = await intermediateCrl({
      thisUpdate: at(-30 * DAY),
      nextUpdate: at(-DAY),
      revoked: revokedLeaf(at(-40 * DAY)),
    });

    const result = validate([stale, rootCrl]);

    expect(result.outcome).toBe('revoked');
    expect(result.warnings.map((warning) => warning.code)).toEqual(['CRL_STALE']);
  });

  it('staleness is judged against now, not the signing time', async () => {
    const crl = await intermediateCrl({ thisUpdate: at(-2 * DAY), nextUpdate: at(5 * DAY) });

    const later = validate([crl, rootCrl], { now: at(10 * DAY) });
    const earlier = validate([crl, rootCrl], { now: at(DAY) });

    expect(later.warnings.map((warning) => warning.code)).toEqual(['CRL_STALE']);
    expect(earlier.warnings).toEqual([]);
  });

  it('of two CRLs, staleness follows the newer one', async () => {
    const old = await intermediateCrl({ thisUpdate: at(-30 * DAY), nextUpdate: at(-DAY) });
    const fresh = await intermediateCrl({ thisUpdate: at(-DAY), nextUpdate: at(6 * DAY) });

    expect(validate([old, fresh, rootCrl]).warnings).toEqual([]);
  });

  it.each<{ what: string; crl: () => Promise<Uint8Array>; note: RegExp }>([
    {
      what: 'signed by the wrong key',
      crl: () =>
        intermediateCrl({
          revoked: revokedLeaf(at(-DAY)),
          signingKey: other.intermediate.keys.privateKey,
        }),
      note: /signature does not verify/,
    },
    {
      what: 'issued by another CA under the same name',
      crl: async () => {
        const lookalike = await other.issueCa({ subject: pki.intermediate.subject });
        return other.createCrl({ issuer: lookalike, revoked: revokedLeaf(at(-DAY)) });
      },
      note: /another key of that name/,
    },
    {
      what: 'a delta CRL',
      crl: () =>
        intermediateCrl({
          revoked: revokedLeaf(at(-DAY)),
          extensions: [new x509.Extension('2.5.29.27', true, new Uint8Array([2, 1, 1]))],
        }),
      note: /delta CRL/,
    },
    {
      what: 'a partitioned CRL',
      crl: () =>
        intermediateCrl({
          extensions: [
            new x509.Extension('2.5.29.28', true, new Uint8Array([0x30, 0x03, 0x81, 0x01, 0xff])),
          ],
        }),
      note: /partitioned/,
    },
    {
      what: 'not a CRL at all',
      crl: async () => new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]),
      note: /could not be read/,
    },
  ])('a CRL $what is ignored, with NO_CRL_FOR_ISSUER', async ({ crl, note }) => {
    const result = validate([await crl(), rootCrl]);

    expect(result.outcome).toBe('trusted');
    expect(result.warnings).toEqual([
      {
        code: 'NO_CRL_FOR_ISSUER',
        detail: expect.stringMatching(note),
      },
    ]);
    expect(result.warnings[0]?.detail).toContain(pki.intermediate.subject);
  });

  it('a forged CRL cannot hide a real revocation', async () => {
    const forgedEmpty = await intermediateCrl({ signingKey: other.intermediate.keys.privateKey });
    const real = await intermediateCrl({ revoked: revokedLeaf(at(-DAY)) });

    expect(validate([forgedEmpty, real, rootCrl]).outcome).toBe('revoked');
  });

  it('a CRL from an issuer without cRLSign is ignored', async () => {
    const intermediate = await pki.issueCa({ keyUsages: KeyUsageFlags.keyCertSign });
    const leaf: TestCertificate = await pki.issueLeaf({ issuer: intermediate });
    const crl = await pki.createCrl({
      issuer: intermediate,
      revoked: [{ serialNumber: leaf.serialNumber, revocationDate: at(-DAY) }],
    });

    const result = validateCertificatePath(leaf.der, {
      trustAnchors: [pki.root.der],
      embedded: [intermediate.der],
      crls: [crl, rootCrl],
      at: NOW,
      now: NOW,
    });

    expect(result.outcome).toBe('trusted');
    expect(result.warnings[0]).toEqual({
      code: 'NO_CRL_FOR_ISSUER',
      detail: expect.stringMatching(/cRLSign/),
    });
  });

  it('a CRL of another issuer does not speak for this one', async () => {
    const crl = await other.createCrl({
      issuer: other.intermediate,
      revoked: revokedLeaf(at(-DAY)),
    });

    const result = validate([crl, rootCrl]);

    expect(result.outcome).toBe('trusted');
    expect(result.warnings.map((warning) => warning.code)).toEqual(['NO_CRL_FOR_ISSUER']);
  });
});
