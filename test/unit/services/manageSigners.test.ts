import { createHash } from 'node:crypto';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateAgencyKey } from '#shared/client/signRequest';
import type { SignerRecord } from '#shared/domain/records';
import { registerSigner, revokeSigner } from '#shared/services/manageSigners';
import { registerAgency } from '#shared/services/registerAgency';
import { fakeDependencies } from '../../support/fakes';
import { createTestPki, type TestCertificate, type TestPki } from '../../support/testPki';

const NOW = new Date('2026-12-04T09:00:00.000Z');
const GOVERNMENT_OFFICE = '000.00.00.G22';
const HOA_TIEN = '000.00.00.A80';
const OPERATOR = 'Nguyễn Văn An (quản trị trục)';
const SECOND_OPERATOR = 'Trần Thị Bình (quản trị trục)';

type Deps = ReturnType<typeof fakeDependencies>;

let pki: TestPki;
/** A second signer certificate (the leaf's key, another serial and name). */
let deputy: TestCertificate;
let deps: Deps;

beforeAll(async () => {
  pki = await createTestPki({ now: NOW, label: 'Signers' });
  deputy = await pki.issueLeaf({
    subject: 'CN=Signers Phó Chủ nhiệm, O=Văn phòng Chính phủ, C=VN',
  });
});

beforeEach(async () => {
  deps = fakeDependencies();
  for (const agencyId of [GOVERNMENT_OFFICE, HOA_TIEN]) {
    await registerAgency(deps, {
      agencyId,
      name: `Agency ${agencyId}`,
      keys: [{ keyId: 'k1', publicKeySpki: generateAgencyKey().publicKeySpki }],
      signaturePolicy: 'required',
    });
  }
});

function fingerprintOf(certificate: TestCertificate): string {
  return createHash('sha256').update(certificate.der).digest('hex');
}

async function thrown(action: Promise<unknown>): Promise<unknown> {
  try {
    await action;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('registerSigner', () => {
  it.each([
    ['PEM text', () => pki.leaf.pem],
    ['PEM bytes, as the CLI reads a file', () => new TextEncoder().encode(pki.leaf.pem)],
    ['DER bytes', () => pki.leaf.der],
  ])('registers a certificate given as %s', async (_form, certificate) => {
    const input = { agencyId: GOVERNMENT_OFFICE, certificate: certificate(), actor: OPERATOR };

    const record = await registerSigner(deps, input);

    const expected: SignerRecord = {
      agencyId: GOVERNMENT_OFFICE,
      fingerprint: fingerprintOf(pki.leaf),
      subject: 'CN=Signers Văn phòng Chính phủ, O=Văn phòng Chính phủ, C=VN',
      serialNumber: pki.leaf.serialNumber,
      notAfter: pki.leaf.certificate.notAfter.toISOString(),
      certificateDer: Buffer.from(pki.leaf.der).toString('base64'),
      state: 'active',
      registeredAt: NOW.toISOString(),
      registeredBy: OPERATOR,
    };
    expect(record).toEqual(expected);
    expect(await deps.signers.get(GOVERNMENT_OFFICE, expected.fingerprint)).toEqual(expected);
  });

  it('keys the record by the SHA-256 of the DER, whatever form was given', async () => {
    const fromPem = await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: pki.leaf.pem,
      actor: OPERATOR,
    });

    const fromDer = await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: pki.leaf.der,
      actor: OPERATOR,
    });

    expect(fromPem.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(fromDer.fingerprint).toBe(fromPem.fingerprint);
    expect(await deps.signers.list(GOVERNMENT_OFFICE)).toHaveLength(1);
  });

  it('audits the registration with its actor', async () => {
    deps.clock.advance(90_000);

    await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: pki.leaf.der,
      actor: OPERATOR,
    });

    expect(deps.audit.entries).toEqual([
      {
        at: '2026-12-04T09:01:30.000Z',
        actor: OPERATOR,
        action: 'signer.register',
        subject: GOVERNMENT_OFFICE,
        detail: {
          fingerprint: fingerprintOf(pki.leaf),
          subject: 'CN=Signers Văn phòng Chính phủ, O=Văn phòng Chính phủ, C=VN',
        },
      },
    ]);
  });

  it('refuses an agency that is not registered with NOT_FOUND, storing nothing', async () => {
    const input = { agencyId: '000.00.00.Z99', certificate: pki.leaf.der, actor: OPERATOR };

    const error = await thrown(registerSigner(deps, input));

    expect(error).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(deps.signers.records.size).toBe(0);
    expect(deps.audit.entries).toEqual([]);
  });

  it.each([
    ['random bytes', () => Uint8Array.from({ length: 64 }, (_, index) => (index * 37) % 256)],
    ['an empty body', () => new Uint8Array()],
    ['text that is no PEM', () => 'not a certificate'],
    ['a private key in PEM', () => pki.leaf.privateKeyPem],
    ['truncated DER', () => pki.leaf.der.slice(0, 200)],
  ])('refuses %s with INVALID_PARAMETER, storing nothing', async (_name, certificate) => {
    const input = { agencyId: GOVERNMENT_OFFICE, certificate: certificate(), actor: OPERATOR };

    const error = await thrown(registerSigner(deps, input));

    expect(error).toMatchObject({ code: 'INVALID_PARAMETER', httpStatus: 400 });
    expect(deps.signers.records.size).toBe(0);
    expect(deps.audit.entries).toEqual([]);
  });
});

describe('listing signers', () => {
  it("lists an agency's signers, active and revoked, and no other agency's", async () => {
    const leaf = await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: pki.leaf.der,
      actor: OPERATOR,
    });
    const second = await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: deputy.pem,
      actor: OPERATOR,
    });
    await registerSigner(deps, { agencyId: HOA_TIEN, certificate: pki.leaf.der, actor: OPERATOR });
    await revokeSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      fingerprint: second.fingerprint,
      actor: OPERATOR,
    });

    const listed = await deps.signers.list(GOVERNMENT_OFFICE);

    expect(listed.map((signer) => [signer.fingerprint, signer.state]).sort()).toEqual(
      [
        [leaf.fingerprint, 'active'],
        [fingerprintOf(deputy), 'revoked'],
      ].sort(),
    );
    expect(listed.every((signer) => signer.agencyId === GOVERNMENT_OFFICE)).toBe(true);
  });
});

describe('revokeSigner', () => {
  it('marks the signer revoked, by whom and when, and keeps the rest of the record', async () => {
    const registered = await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: pki.leaf.der,
      actor: OPERATOR,
    });
    deps.clock.advance(3_600_000);

    const revoked = await revokeSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      fingerprint: registered.fingerprint,
      actor: SECOND_OPERATOR,
    });

    const expected: SignerRecord = {
      ...registered,
      state: 'revoked',
      revokedAt: '2026-12-04T10:00:00.000Z',
      revokedBy: SECOND_OPERATOR,
    };
    expect(revoked).toEqual(expected);
    expect(await deps.signers.get(GOVERNMENT_OFFICE, registered.fingerprint)).toEqual(expected);
  });

  it('takes the fingerprint in upper case too', async () => {
    const registered = await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: pki.leaf.der,
      actor: OPERATOR,
    });

    const revoked = await revokeSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      fingerprint: registered.fingerprint.toUpperCase(),
      actor: OPERATOR,
    });

    expect(revoked.state).toBe('revoked');
    expect(revoked.fingerprint).toBe(registered.fingerprint);
  });

  it('revokes only for the agency named', async () => {
    const input = { certificate: pki.leaf.der, actor: OPERATOR };
    await registerSigner(deps, { ...input, agencyId: GOVERNMENT_OFFICE });
    await registerSigner(deps, { ...input, agencyId: HOA_TIEN });
    const fingerprint = fingerprintOf(pki.leaf);

    await revokeSigner(deps, { agencyId: HOA_TIEN, fingerprint, actor: OPERATOR });

    expect((await deps.signers.get(GOVERNMENT_OFFICE, fingerprint))?.state).toBe('active');
    expect((await deps.signers.get(HOA_TIEN, fingerprint))?.state).toBe('revoked');
  });

  it.each([
    ['a fingerprint never registered', GOVERNMENT_OFFICE, () => '00'.repeat(32)],
    ["another agency's signer", HOA_TIEN, () => fingerprintOf(pki.leaf)],
  ])('answers NOT_FOUND for %s and audits nothing', async (_name, agencyId, fingerprint) => {
    await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: pki.leaf.der,
      actor: OPERATOR,
    });
    const before = deps.audit.entries.length;

    const error = await thrown(
      revokeSigner(deps, { agencyId, fingerprint: fingerprint(), actor: OPERATOR }),
    );

    expect(error).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    expect(deps.audit.entries).toHaveLength(before);
    expect(await deps.signers.list(HOA_TIEN)).toEqual([]);
  });
});

describe('the audit trail of signer changes', () => {
  it('records every change in order, with its actor, action, agency and certificate', async () => {
    const first = await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: pki.leaf.der,
      actor: OPERATOR,
    });
    deps.clock.advance(60_000);
    const second = await registerSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      certificate: deputy.der,
      actor: SECOND_OPERATOR,
    });
    deps.clock.advance(60_000);
    await revokeSigner(deps, {
      agencyId: GOVERNMENT_OFFICE,
      fingerprint: first.fingerprint,
      actor: SECOND_OPERATOR,
    });
    await registerSigner(deps, { agencyId: HOA_TIEN, certificate: deputy.der, actor: OPERATOR });

    const trail = await deps.audit.list(GOVERNMENT_OFFICE);

    expect(trail).toEqual([
      {
        at: '2026-12-04T09:00:00.000Z',
        actor: OPERATOR,
        action: 'signer.register',
        subject: GOVERNMENT_OFFICE,
        detail: { fingerprint: first.fingerprint, subject: first.subject },
      },
      {
        at: '2026-12-04T09:01:00.000Z',
        actor: SECOND_OPERATOR,
        action: 'signer.register',
        subject: GOVERNMENT_OFFICE,
        detail: { fingerprint: second.fingerprint, subject: deputy.subject },
      },
      {
        at: '2026-12-04T09:02:00.000Z',
        actor: SECOND_OPERATOR,
        action: 'signer.revoke',
        subject: GOVERNMENT_OFFICE,
        detail: { fingerprint: first.fingerprint, subject: first.subject },
      },
    ]);
    expect(await deps.audit.list(HOA_TIEN)).toHaveLength(1);
  });
});
