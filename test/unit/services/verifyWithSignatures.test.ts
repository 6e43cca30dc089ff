import { readFileSync } from 'node:fs';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateAgencyKey } from '#shared/client/signRequest';
import { verifyAxisJws } from '#shared/client/verifyAxisJws';
import { isAxisId, rejectionIdFor, sha256Hex } from '#shared/domain/ids';
import type { Agency, SignaturePolicy } from '#shared/domain/records';
import type { RejectionCode, SignatureAssessment } from '#shared/domain/signaturePolicy';
import { RECEIPT_TYPE, REJECTION_TYPE } from '#shared/services/axisSignature';
import { documentTimeline } from '#shared/services/documentTimeline';
import { registerSigner, revokeSigner } from '#shared/services/manageSigners';
import { downloadMessage } from '#shared/services/readSide';
import { registerAgency } from '#shared/services/registerAgency';
import { DELIVERY_HEADERS, routeMessage } from '#shared/services/routeMessage';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import { signEnvelope } from '#shared/signature/signEnvelope';
import { fakeDependencies } from '../../support/fakes';
import { createTestPki, type TestCertificate, type TestPki } from '../../support/testPki';

/** The fakes' clock: documents are received, and certificates judged, at this instant. */
const NOW = new Date('2026-12-04T09:00:00.000Z');
const DAY_MS = 24 * 60 * 60 * 1000;
const days = (count: number) => new Date(NOW.getTime() + count * DAY_MS);

interface Exchange {
  readonly file: string;
  readonly sender: string;
  readonly recipients: readonly string[];
}

/** dc0bdef0-….edxml: the Government Office to three provinces. */
const GOVERNMENT_OFFICE: Exchange = {
  file: 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml',
  sender: '000.00.00.G22',
  recipients: ['000.00.00.H41', '000.00.00.H14', '000.00.00.G17'],
};
/** edoc_new.edxml: Hòa Tiến to Hòa Sơn, about 200 KB. */
const HOA_TIEN: Exchange = {
  file: 'edoc_new.edxml',
  sender: '000.00.00.A80',
  recipients: ['28.22.H17'],
};
const SENDERS = [GOVERNMENT_OFFICE, HOA_TIEN];
const [FIRST_RECIPIENT] = GOVERNMENT_OFFICE.recipients as [string];

const OPERATOR = 'Nguyễn Văn An (quản trị trục)';
const webhookOf = (agencyId: string) => `https://agencies.example.vn/${agencyId}/lienthong`;

type Deps = ReturnType<typeof fakeDependencies>;
type Certificate = NonNullable<SignatureAssessment['certificate']>;

function sample(file: string): Uint8Array {
  return readFileSync(new URL(`../../../samples/edxml/${file}`, import.meta.url));
}

/** The sample without its placeholder `Signature`: a document nobody signed. */
function unsigned(file: string): Uint8Array {
  const text = new TextDecoder().decode(sample(file));
  const start = text.indexOf('<Signature>');
  const end = text.indexOf('</Signature>') + '</Signature>'.length;
  return new TextEncoder().encode(text.slice(0, start) + text.slice(end));
}

function signedBy(
  signer: TestCertificate,
  chain: readonly TestCertificate[] = [],
  file = GOVERNMENT_OFFICE.file,
): Uint8Array {
  return signEnvelope(sample(file), {
    privateKey: signer.privateKeyPem,
    certificateDer: signer.der,
    chainDer: chain.map((certificate) => certificate.der),
  });
}

/**
 * Flips the lowest bit of one byte after `marker`: the first letter or digit
 * at or past `offset` that stays a letter or digit, so the XML still parses
 * and the sender still submits it.
 */
function flipped(bytes: Uint8Array, marker: string, offset: number): Uint8Array {
  const copy = Buffer.from(bytes);
  const at = copy.indexOf(marker);
  if (at < 0) throw new Error(`no ${marker} in the document`);
  const alphanumeric = (byte: number) => /[A-Za-z0-9]/.test(String.fromCharCode(byte));
  let index = at + Buffer.byteLength(marker) + offset;
  while (!(alphanumeric(copy[index] as number) && alphanumeric((copy[index] as number) ^ 1))) {
    index += 1;
  }
  copy[index] = (copy[index] as number) ^ 1;
  return copy;
}

let pki: TestPki;
/** Fresh CRLs of the root and the intermediate; the intermediate's lists `revokedLeaf`. */
let crls: Uint8Array[];
let staleIntermediateCrl: Uint8Array;
const certificates = new Map<string, TestCertificate>();
const documents = new Map<string, Uint8Array>();

beforeAll(async () => {
  pki = await createTestPki({ now: NOW });
  const otherKeys = await pki.generateKeys();
  const foreign = await createTestPki({
    now: NOW,
    label: 'Ngoại',
    keys: { root: otherKeys, intermediate: pki.intermediate.keys, leaf: pki.leaf.keys },
  });
  const expired = await pki.issueLeaf({ notBefore: days(-400), notAfter: days(-1) });
  const notYetValid = await pki.issueLeaf({ notBefore: days(1), notAfter: days(400) });
  const revokedLeaf = await pki.issueLeaf();
  const impostor = await pki.issueLeaf({
    subject: 'CN=Test Kẻ mạo danh, O=Văn phòng Chính phủ, C=VN',
    keys: otherKeys,
  });
  const revocation = { serialNumber: revokedLeaf.serialNumber, revocationDate: days(-2) };
  crls = [
    await pki.createCrl({ issuer: pki.root }),
    await pki.createCrl({ issuer: pki.intermediate, revoked: [revocation] }),
  ];
  staleIntermediateCrl = await pki.createCrl({
    issuer: pki.intermediate,
    revoked: [revocation],
    thisUpdate: days(-30),
    nextUpdate: days(-23),
  });

  for (const [name, certificate] of Object.entries({
    leaf: pki.leaf,
    expired,
    notYetValid,
    revoked: revokedLeaf,
    foreign: foreign.leaf,
  })) {
    certificates.set(name, certificate);
  }
  documents.set('leaf', signedBy(pki.leaf));
  documents.set('leaf+intermediate', signedBy(pki.leaf, [pki.intermediate]));
  documents.set('leaf large', signedBy(pki.leaf, [], HOA_TIEN.file));
  documents.set('expired', signedBy(expired));
  documents.set('notYetValid', signedBy(notYetValid));
  documents.set('revoked', signedBy(revokedLeaf));
  documents.set('foreign', signedBy(foreign.leaf, [foreign.intermediate, foreign.root]));
  // Signed by the impostor's key, then dressed in the registered leader's certificate.
  const forged = new TextDecoder()
    .decode(signedBy(impostor))
    .replace(
      Buffer.from(impostor.der).toString('base64'),
      Buffer.from(pki.leaf.der).toString('base64'),
    );
  documents.set('impostor', new TextEncoder().encode(forged));
}, 60_000);

function certificate(name: string): TestCertificate {
  const found = certificates.get(name);
  if (!found) throw new Error(`no certificate ${name}`);
  return found;
}

function document(name: string): Uint8Array {
  const found = documents.get(name);
  if (!found) throw new Error(`no signed document ${name}`);
  return found;
}

let deps: Deps;
const agencies = new Map<string, Agency>();

function agency(agencyId: string): Agency {
  const found = agencies.get(agencyId);
  if (!found) throw new Error(`no agency ${agencyId}`);
  return found;
}

/**
 * Registers both senders under `policy` (webhook delivery) and every
 * recipient (inbox, `report`), and loads the test PKI's root, intermediate
 * and fresh CRLs as the operator would.
 */
async function axisWith(policy: SignaturePolicy): Promise<void> {
  for (const { sender, recipients } of SENDERS) {
    for (const agencyId of [sender, ...recipients]) {
      const isSender = agencyId === sender;
      const { agency: registered } = await registerAgency(deps, {
        agencyId,
        name: `Cơ quan ${agencyId}`,
        keys: [{ keyId: 'k1', publicKeySpki: generateAgencyKey().publicKeySpki }],
        signaturePolicy: isSender ? policy : 'report',
        ...(isSender ? { webhookUrl: webhookOf(agencyId) } : {}),
      });
      agencies.set(agencyId, registered);
    }
  }
  deps.trust.material = {
    anchors: [pki.root.der],
    intermediates: [pki.intermediate.der],
    crls: [...crls],
  };
}

async function registerForSender(name: string, agencyId = GOVERNMENT_OFFICE.sender) {
  return registerSigner(deps, {
    agencyId,
    certificate: certificate(name).der,
    actor: OPERATOR,
  });
}

beforeEach(() => {
  deps = fakeDependencies();
  agencies.clear();
});

interface Run {
  readonly documentId: string;
  readonly outcome: string;
  readonly exchange: Exchange;
}

async function submitAndVerify(body: Uint8Array, exchange = GOVERNMENT_OFFICE): Promise<Run> {
  const { documentId } = await submitDocument(deps, agency(exchange.sender), body);
  deps.clock.advance(2_000);
  const outcome = await verifyDocument(deps, { documentId });
  return { documentId, outcome, exchange };
}

function publicKeyOf(kid: string) {
  return kid === deps.signer.keyId ? deps.signer.publicKey : undefined;
}

/** Verified, one delivery queued per recipient, a receipt that names the signature outcome. */
async function expectAccepted(run: Run): Promise<SignatureAssessment> {
  const { documentId, outcome, exchange } = run;
  const stored = deps.exchange.documents.get(documentId);

  expect(outcome).toBe('verified');
  expect(stored?.state).toBe('verified');
  expect(stored?.rejection).toBeUndefined();
  expect(deps.routeQueue.sent).toEqual(
    exchange.recipients.map((recipientId) => ({ documentId, messageId: documentId, recipientId })),
  );
  const receipt = verifyAxisJws(stored?.receipt ?? '', RECEIPT_TYPE, publicKeyOf);
  expect(receipt.payload).toMatchObject({
    documentId,
    signature: stored?.signature?.envelope.outcome,
  });
  expect(stored?.signature).toBeDefined();
  return stored?.signature as SignatureAssessment;
}

/**
 * Everything a refusal must leave behind: no delivery to any recipient, one
 * to the sender of a signed rejection carrying the code, a timeline that
 * shows it, the JWS downloadable by the sender alone, and delivered to the
 * sender's webhook as application/jose.
 */
async function expectRejected(run: Run, code: RejectionCode): Promise<SignatureAssessment> {
  const { documentId, outcome, exchange } = run;
  const stored = deps.exchange.documents.get(documentId);
  const messageId = stored?.rejectionMessageId ?? '';

  expect(outcome).toBe('rejected');
  expect(stored).toMatchObject({ state: 'rejected', rejection: { code } });
  expect(messageId).toBe(rejectionIdFor(documentId));
  expect(isAxisId(messageId)).toBe(true);
  expect(deps.routeQueue.sent).toEqual([{ documentId, messageId, recipientId: exchange.sender }]);

  const token = new TextDecoder().decode(deps.payloads.objects.get(`rejections/${documentId}.jws`));
  const rejection = verifyAxisJws(token, REJECTION_TYPE, publicKeyOf);
  expect(rejection.payload).toMatchObject({
    iss: 'lienthong',
    documentId,
    sender: exchange.sender,
    sha256: stored?.sha256,
    code,
    message: stored?.rejection?.message,
    signature: stored?.signature,
  });
  expect(deps.exchange.messages.get(messageId)).toMatchObject({
    kind: 'rejection',
    documentId,
    from: 'lienthong',
    to: [exchange.sender],
    sha256: sha256Hex(Buffer.from(token, 'ascii')),
  });

  const timeline = await documentTimeline(deps.exchange, agency(exchange.sender), documentId);
  expect(timeline).toMatchObject({
    state: 'rejected',
    rejection: { code },
    rejectionMessageId: messageId,
    signature: stored?.signature,
  });

  const download = await downloadMessage(deps, agency(exchange.sender), messageId);
  expect(new TextDecoder().decode(download.bytes)).toBe(token);
  for (const recipientId of exchange.recipients) {
    await expect(downloadMessage(deps, agency(recipientId), messageId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  }

  const routeDeps = { ...deps, maxReceiveCount: 5, leaseMs: 15_000 };
  const [request] = deps.routeQueue.sent;
  expect(await routeMessage(routeDeps, request as (typeof deps.routeQueue.sent)[0], 1)).toBe(
    'delivered',
  );
  expect(deps.webhook.posts).toHaveLength(1);
  const [post] = deps.webhook.posts;
  expect(post?.url).toBe(webhookOf(exchange.sender));
  expect(post?.headers).toMatchObject({
    'content-type': 'application/jose',
    [DELIVERY_HEADERS.kind]: 'rejection',
    [DELIVERY_HEADERS.messageId]: messageId,
    [DELIVERY_HEADERS.documentId]: documentId,
  });
  expect(new TextDecoder().decode(post?.body)).toBe(token);

  expect(stored?.signature).toBeDefined();
  return stored?.signature as SignatureAssessment;
}

const SUBJECTS = {
  leaf: 'CN=Test Văn phòng Chính phủ, O=Văn phòng Chính phủ, C=VN',
  intermediate: 'CN=Test CA phục vụ các cơ quan Nhà nước, O=Ban Cơ yếu Chính phủ, C=VN',
  root: 'CN=Test RootCA chuyên dùng Chính phủ G2, O=Ban Cơ yếu Chính phủ, C=VN',
};

describe('a document signed by a registered signer, under required', () => {
  it.each([
    ['the Government Office sample', GOVERNMENT_OFFICE, 'leaf'],
    ['the 200 KB Hòa Tiến sample', HOA_TIEN, 'leaf large'],
  ])('verifies %s, queues its recipients and records the assessment', async (_n, exchange, doc) => {
    await axisWith('required');
    await registerForSender('leaf', exchange.sender);

    const run = await submitAndVerify(document(doc), exchange);

    const assessment = await expectAccepted(run);
    expect(assessment).toEqual({
      envelope: { outcome: 'valid' },
      certificate: {
        outcome: 'trusted',
        chain: [SUBJECTS.leaf, SUBJECTS.intermediate, SUBJECTS.root],
        warnings: [],
      },
      signer: {
        fingerprint: sha256Hex(pki.leaf.der),
        subject: SUBJECTS.leaf,
        registered: true,
      },
    });
  });

  it('says so in the receipt and in the timeline', async () => {
    await axisWith('required');
    await registerForSender('leaf');

    const run = await submitAndVerify(document('leaf'));

    const stored = deps.exchange.documents.get(run.documentId);
    const receipt = verifyAxisJws(stored?.receipt ?? '', RECEIPT_TYPE, publicKeyOf);
    expect(receipt.payload).toMatchObject({ signature: 'valid', certificate: 'trusted' });
    const timeline = await documentTimeline(
      deps.exchange,
      agency(GOVERNMENT_OFFICE.sender),
      run.documentId,
    );
    expect(timeline).toMatchObject({ state: 'verified', signature: stored?.signature });
    expect(timeline.rejection).toBeUndefined();
    expect(timeline.rejectionMessageId).toBeUndefined();
  });
});

describe('the intermediate certificate', () => {
  it.each([
    ['from configuration, the signature embedding only the leaf', 'leaf', true],
    ['embedded in the signature, configuration having none', 'leaf+intermediate', false],
    ['both embedded and configured', 'leaf+intermediate', true],
  ])('completes a chain of 3 when it comes %s', async (_name, doc, configured) => {
    await axisWith('required');
    if (!configured) deps.trust.material.intermediates = [];
    await registerForSender('leaf');

    const assessment = await expectAccepted(await submitAndVerify(document(doc)));

    expect(assessment.certificate).toMatchObject({
      outcome: 'trusted',
      chain: [SUBJECTS.leaf, SUBJECTS.intermediate, SUBJECTS.root],
    });
  });
});

/** Places in the signed document, and what the verifier then finds. */
const TAMPERING = [
  ['the DocumentId code number', '<edXML:CodeNumber>', 0, 'DIGEST_MISMATCH'],
  ["the sender's e-mail", '<edXML:Email>', 0, 'DIGEST_MISMATCH'],
  ['the subject line', '<edXML:Subject>', 0, 'DIGEST_MISMATCH'],
  ['a recipient name', '<edXML:OrganName>UBND', 6, 'DIGEST_MISMATCH'],
  [
    'the attachment',
    '<edXML:ContentTransferEncoded xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">',
    100,
    'DIGEST_MISMATCH',
  ],
  ['the signed digest', '<DigestValue>', 0, 'DIGEST_MISMATCH'],
  ['the signature value', '<SignatureValue>', 0, 'SIGNATURE_MISMATCH'],
] as const;

describe('a byte flipped in the signed document', () => {
  it.each(
    (['required', 'optional'] as const).flatMap((policy) =>
      TAMPERING.map((place) => [policy, ...place] as const),
    ),
  )(
    'is rejected SIGNATURE_INVALID under %s when it is in %s',
    async (policy, _p, m, at, reason) => {
      await axisWith(policy);
      await registerForSender('leaf');

      const run = await submitAndVerify(flipped(document('leaf'), m, at));

      const assessment = await expectRejected(run, 'SIGNATURE_INVALID');
      expect(assessment).toEqual({
        envelope: { outcome: 'invalid', reason, detail: expect.any(String) },
      });
    },
  );

  it.each(TAMPERING)(
    'is accepted under report, in %s, with the outcome recorded',
    async (_place, marker, at, reason) => {
      await axisWith('report');
      await registerForSender('leaf');

      const run = await submitAndVerify(flipped(document('leaf'), marker, at));

      const assessment = await expectAccepted(run);
      expect(assessment.envelope).toMatchObject({ outcome: 'invalid', reason });
      expect(assessment.certificate).toBeUndefined();
      expect(assessment.signer).toBeUndefined();
    },
  );
});

describe('a signature by another key than its certificate', () => {
  it.each(['required', 'optional'] as const)(
    'is rejected SIGNATURE_INVALID under %s, though the certificate is registered',
    async (policy) => {
      await axisWith(policy);
      await registerForSender('leaf');

      const run = await submitAndVerify(document('impostor'));

      const assessment = await expectRejected(run, 'SIGNATURE_INVALID');
      expect(assessment.envelope).toMatchObject({
        outcome: 'invalid',
        reason: 'SIGNATURE_MISMATCH',
      });
      expect(assessment.signer).toBeUndefined();
    },
  );
});

/**
 * Signer certificates that do not lead to a trust anchor:
 * [name, signed document, certificate, configured intermediates, outcome, reason, chain].
 */
const NOT_TRUSTED = [
  ['expired', 'expired', 'expired', true, 'expired', 'CERTIFICATE_EXPIRED', 3],
  [
    'not yet valid',
    'notYetValid',
    'notYetValid',
    true,
    'not-yet-valid',
    'CERTIFICATE_NOT_YET_VALID',
    3,
  ],
  ['revoked (in the CRL)', 'revoked', 'revoked', true, 'revoked', 'CERTIFICATE_REVOKED', 3],
  ['chained to an untrusted root', 'foreign', 'foreign', true, 'untrusted', 'UNTRUSTED_ROOT', 3],
  ['missing its intermediate', 'leaf', 'leaf', false, 'untrusted', 'INCOMPLETE_CHAIN', 1],
] as const;

describe('a signer certificate the axis does not trust', () => {
  it.each(
    (['required', 'optional'] as const).flatMap((policy) =>
      NOT_TRUSTED.map((row) => [policy, ...row] as const),
    ),
  )(
    'is rejected SIGNER_CERTIFICATE_NOT_TRUSTED under %s when %s',
    async (policy, _name, doc, signer, configured, outcome, reason, length) => {
      await axisWith(policy);
      if (!configured) deps.trust.material.intermediates = [];
      await registerForSender(signer);

      const run = await submitAndVerify(document(doc));

      const assessment = await expectRejected(run, 'SIGNER_CERTIFICATE_NOT_TRUSTED');
      expect(assessment.envelope).toEqual({ outcome: 'valid' });
      expect(assessment.certificate).toMatchObject({ outcome, reason });
      expect(assessment.certificate?.chain).toHaveLength(length);
      expect(assessment.signer).toMatchObject({
        fingerprint: sha256Hex(certificate(signer).der),
        registered: true,
      });
    },
  );

  it.each(NOT_TRUSTED)(
    'is accepted under report when %s, with the reason recorded',
    async (_name, doc, signer, configured, outcome, reason) => {
      await axisWith('report');
      if (!configured) deps.trust.material.intermediates = [];
      await registerForSender(signer);

      const assessment = await expectAccepted(await submitAndVerify(document(doc)));

      expect(assessment.certificate).toMatchObject({ outcome, reason });
    },
  );

  it('records the revoked certificate before its registration, which stays active', async () => {
    await axisWith('required');
    const registration = await registerForSender('revoked');

    const assessment = await expectRejected(
      await submitAndVerify(document('revoked')),
      'SIGNER_CERTIFICATE_NOT_TRUSTED',
    );

    expect(assessment.certificate?.detail).toContain('was revoked at');
    expect(
      (await deps.signers.get(GOVERNMENT_OFFICE.sender, registration.fingerprint))?.state,
    ).toBe('active');
  });
});

describe('the registration of the signer', () => {
  it('refuses a trusted, unregistered signer under required: SIGNER_NOT_REGISTERED', async () => {
    await axisWith('required');

    const assessment = await expectRejected(
      await submitAndVerify(document('leaf')),
      'SIGNER_NOT_REGISTERED',
    );

    expect(assessment.certificate?.outcome).toBe('trusted');
    expect(assessment.signer).toEqual({
      fingerprint: sha256Hex(pki.leaf.der),
      subject: SUBJECTS.leaf,
      registered: false,
    });
  });

  it('accepts a trusted but unregistered signer under optional, noting it', async () => {
    await axisWith('optional');

    const assessment = await expectAccepted(await submitAndVerify(document('leaf')));

    expect(assessment.certificate?.outcome).toBe('trusted');
    expect(assessment.signer?.registered).toBe(false);
  });

  it('refuses a signer whose registration was revoked (SIGNER_NOT_REGISTERED)', async () => {
    await axisWith('required');
    const { fingerprint } = await registerForSender('leaf');
    await revokeSigner(deps, { agencyId: GOVERNMENT_OFFICE.sender, fingerprint, actor: OPERATOR });

    const assessment = await expectRejected(
      await submitAndVerify(document('leaf')),
      'SIGNER_NOT_REGISTERED',
    );

    expect(assessment.signer).toMatchObject({ fingerprint, registered: false });
  });

  it("does not count a registration for another agency than the document's From", async () => {
    await axisWith('required');
    await registerForSender('leaf', HOA_TIEN.sender);

    const assessment = await expectRejected(
      await submitAndVerify(document('leaf')),
      'SIGNER_NOT_REGISTERED',
    );

    expect(assessment.signer?.registered).toBe(false);
  });
});

describe('an unsigned document', () => {
  it('is rejected SIGNATURE_REQUIRED under required', async () => {
    await axisWith('required');

    const run = await submitAndVerify(unsigned(GOVERNMENT_OFFICE.file));

    const assessment = await expectRejected(run, 'SIGNATURE_REQUIRED');
    expect(assessment).toEqual({ envelope: { outcome: 'absent' } });
  });

  it.each(['optional', 'report'] as const)('is accepted under %s as absent', async (policy) => {
    await axisWith(policy);

    const run = await submitAndVerify(unsigned(GOVERNMENT_OFFICE.file));

    expect(await expectAccepted(run)).toEqual({ envelope: { outcome: 'absent' } });
  });

  it('is read under required once its sender has left the directory', async () => {
    await axisWith('optional');
    const { documentId } = await submitDocument(
      deps,
      agency(GOVERNMENT_OFFICE.sender),
      unsigned(GOVERNMENT_OFFICE.file),
    );
    deps.directory.agencies.delete(GOVERNMENT_OFFICE.sender);

    const outcome = await verifyDocument(deps, { documentId });

    expect(outcome).toBe('rejected');
    expect(deps.exchange.documents.get(documentId)?.rejection?.code).toBe('SIGNATURE_REQUIRED');
    expect(deps.routeQueue.sent.map((request) => request.recipientId)).toEqual([
      GOVERNMENT_OFFICE.sender,
    ]);
  });
});

describe("a sample's placeholder Signature (edXML namespace, not XML-DSig)", () => {
  it('is recorded as invalid NOT_XMLDSIG and accepted under report', async () => {
    await axisWith('report');

    const assessment = await expectAccepted(await submitAndVerify(sample(GOVERNMENT_OFFICE.file)));

    expect(assessment.envelope).toMatchObject({ outcome: 'invalid', reason: 'NOT_XMLDSIG' });
  });

  it.each(['required', 'optional'] as const)(
    'is rejected SIGNATURE_INVALID under %s',
    async (policy) => {
      await axisWith(policy);

      const run = await submitAndVerify(sample(GOVERNMENT_OFFICE.file));

      const assessment = await expectRejected(run, 'SIGNATURE_INVALID');
      expect(assessment.envelope).toMatchObject({ reason: 'NOT_XMLDSIG' });
    },
  );
});

describe('revocation lists', () => {
  it('accepts a registered signer under a stale CRL and records CRL_STALE', async () => {
    await axisWith('required');
    deps.trust.material.crls = [crls[0] as Uint8Array, staleIntermediateCrl];
    await registerForSender('leaf');

    const assessment = await expectAccepted(await submitAndVerify(document('leaf')));

    expect(assessment.certificate).toMatchObject({ outcome: 'trusted', warnings: ['CRL_STALE'] });
  });

  it('still refuses a certificate that a stale CRL lists as revoked', async () => {
    await axisWith('required');
    deps.trust.material.crls = [crls[0] as Uint8Array, staleIntermediateCrl];
    await registerForSender('revoked');

    const assessment = await expectRejected(
      await submitAndVerify(document('revoked')),
      'SIGNER_CERTIFICATE_NOT_TRUSTED',
    );

    expect(assessment.certificate).toMatchObject({
      outcome: 'revoked',
      warnings: ['CRL_STALE'],
    } satisfies Partial<Certificate>);
  });

  it('notes the missing CRLs when none are loaded, and still accepts', async () => {
    await axisWith('required');
    deps.trust.material.crls = [];
    await registerForSender('leaf');

    const assessment = await expectAccepted(await submitAndVerify(document('leaf')));

    expect(assessment.certificate?.warnings).toEqual(['NO_CRL_FOR_ISSUER', 'NO_CRL_FOR_ISSUER']);
  });
});

describe('what a refusal records and exposes', () => {
  it('stores the rejection as its code and message, as DocumentRecord declares', async () => {
    await axisWith('required');

    const { documentId } = await submitAndVerify(unsigned(GOVERNMENT_OFFICE.file));

    const timeline = await documentTimeline(
      deps.exchange,
      agency(GOVERNMENT_OFFICE.sender),
      documentId,
    );
    expect(timeline.rejection).toEqual({
      code: 'SIGNATURE_REQUIRED',
      message: 'this sender must sign its documents',
    });
  });

  it('does not let a recipient download the document it refused', async () => {
    await axisWith('required');

    const { documentId } = await submitAndVerify(flipped(document('leaf'), '<edXML:Subject>', 0));

    expect(deps.exchange.documents.get(documentId)?.state).toBe('rejected');
    await expect(downloadMessage(deps, agency(FIRST_RECIPIENT), documentId)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
