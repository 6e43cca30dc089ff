import { verify } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { rejectionIdFor, sha256Hex } from '#shared/domain/ids';
import { decodeCompactJws } from '#shared/domain/jws';
import type { Agency } from '#shared/domain/records';
import { RECEIPT_TYPE } from '#shared/services/axisSignature';
import { submitDocument } from '#shared/services/submitDocument';
import { DocumentNotFoundError, verifyDocument } from '#shared/services/verifyDocument';
import {
  GOVERNMENT_OFFICE,
  HOA_SON,
  HOA_TIEN,
  type Registered,
  registerAgencies,
  sample,
  sampleText,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { type FakeSigner, fakeDependencies } from '../../support/fakes';

type Deps = ReturnType<typeof fakeDependencies>;

let deps: Deps;
let agencies: Map<string, Registered>;
const caller = (id: string): Agency => agencies.get(id)?.agency as Agency;

beforeEach(async () => {
  deps = fakeDependencies();
  agencies = await registerAgencies(deps, [
    GOVERNMENT_OFFICE,
    ...THREE_PROVINCES,
    HOA_TIEN,
    HOA_SON,
  ]);
});

/** How the samples' placeholder Signature, in the edXML namespace, is recorded. */
const PLACEHOLDER_SIGNATURE = {
  envelope: { outcome: 'invalid', reason: 'NOT_XMLDSIG', detail: expect.any(String) },
};

function verifiesWith(signer: FakeSigner, token: string): boolean {
  const { signingInput, signature } = decodeCompactJws(token);
  return verify(
    'sha256',
    Buffer.from(signingInput, 'ascii'),
    { key: signer.publicKey, dsaEncoding: 'ieee-p1363' },
    signature,
  );
}

async function submitted(
  body: Uint8Array = sample(THREE_PROVINCES_FILE),
  sender = GOVERNMENT_OFFICE,
) {
  const { documentId } = await submitDocument(deps, caller(sender), body);
  return documentId;
}

describe('verifyDocument: a document as submitted', () => {
  it('signs a receipt over the stored bytes and queues one delivery per recipient', async () => {
    const documentId = await submitted();
    deps.clock.advance(1_500);

    const outcome = await verifyDocument(deps, { documentId });

    expect(outcome).toBe('verified');
    const document = deps.exchange.documents.get(documentId);
    expect(document).toMatchObject({
      state: 'verified',
      signature: PLACEHOLDER_SIGNATURE,
      verifiedAt: '2026-12-04T09:00:01.500Z',
    });
    const receipt = document?.receipt ?? '';
    expect(verifiesWith(deps.signer, receipt)).toBe(true);
    const stored = deps.payloads.objects.get(`documents/${documentId}.edxml`) ?? new Uint8Array();
    const { header, payload } = decodeCompactJws(receipt);
    expect(header).toEqual({ alg: 'ES256', kid: deps.signer.keyId, typ: RECEIPT_TYPE });
    expect(payload).toEqual({
      iss: 'lienthong',
      documentId,
      sender: GOVERNMENT_OFFICE,
      recipients: [...THREE_PROVINCES],
      sha256: sha256Hex(stored),
      signature: 'invalid',
      receivedAt: '2026-12-04T09:00:00.000Z',
      verifiedAt: '2026-12-04T09:00:01.500Z',
    });
    expect(deps.routeQueue.sent).toEqual(
      THREE_PROVINCES.map((recipientId) => ({ documentId, messageId: documentId, recipientId })),
    );
  });

  it('issues a receipt that stops verifying once its payload is altered', async () => {
    const documentId = await submitted();
    await verifyDocument(deps, { documentId });
    const [header, payload, signature] = (
      deps.exchange.documents.get(documentId)?.receipt ?? ''
    ).split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    const forged = Buffer.from(JSON.stringify({ ...claims, sha256: '0'.repeat(64) })).toString(
      'base64url',
    );
    expect(verifiesWith(deps.signer, `${header}.${forged}.${signature}`)).toBe(false);
  });

  it.each([
    [THREE_PROVINCES_FILE, GOVERNMENT_OFFICE],
    ['edoc_new.edxml', HOA_TIEN],
    ['edoc_update.edxml', GOVERNMENT_OFFICE],
  ])('records the edXML-namespace Signature of %s as invalid NOT_XMLDSIG', async (file, sender) => {
    const documentId = await submitted(sample(file), sender);
    await verifyDocument(deps, { documentId });
    expect(deps.exchange.documents.get(documentId)?.signature).toEqual(PLACEHOLDER_SIGNATURE);
  });

  it.each([
    [
      'an XML-DSig Signature that does not hold as invalid',
      (text: string) =>
        text.replace('<Signature>', '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">'),
      'invalid',
    ],
    [
      'no Signature as absent',
      (text: string) =>
        text.slice(0, text.indexOf('<Signature>')) +
        text.slice(text.indexOf('</Signature>') + '</Signature>'.length),
      'absent',
    ],
  ])('records %s', async (_name, edit, outcome) => {
    const edited = edit(sampleText(THREE_PROVINCES_FILE));
    const documentId = await submitted(Buffer.from(edited));
    await verifyDocument(deps, { documentId });
    const document = deps.exchange.documents.get(documentId);
    expect(document?.state).toBe('verified');
    expect(document?.signature?.envelope.outcome).toBe(outcome);
    // Not to be taken for the samples' placeholder in the edXML namespace.
    expect(document?.signature?.envelope.reason).not.toBe('NOT_XMLDSIG');
    expect(decodeCompactJws(document?.receipt ?? '').payload.signature).toBe(outcome);
  });
});

describe('verifyDocument: what it does not do twice or at all', () => {
  it('answers already-done the second time and queues nothing more', async () => {
    const documentId = await submitted();
    await verifyDocument(deps, { documentId });
    const receipt = deps.exchange.documents.get(documentId)?.receipt;
    deps.clock.advance(60_000);

    const outcome = await verifyDocument(deps, { documentId });

    expect(outcome).toBe('already-done');
    expect(deps.routeQueue.sent).toHaveLength(THREE_PROVINCES.length);
    expect(deps.exchange.documents.get(documentId)?.receipt).toBe(receipt);
    expect(deps.exchange.documents.get(documentId)?.verifiedAt).toBe('2026-12-04T09:00:00.000Z');
  });

  it('rejects changed stored bytes (DIGEST_MISMATCH) and routes them to no recipient', async () => {
    const documentId = await submitted();
    const key = `documents/${documentId}.edxml`;
    const tampered = Buffer.from(deps.payloads.objects.get(key) ?? new Uint8Array());
    tampered[tampered.indexOf('7816')] = '9'.charCodeAt(0);
    deps.payloads.objects.set(key, tampered);

    const outcome = await verifyDocument(deps, { documentId });

    expect(outcome).toBe('rejected');
    const document = deps.exchange.documents.get(documentId);
    expect(document?.state).toBe('rejected');
    expect(document?.rejection?.code).toBe('DIGEST_MISMATCH');
    expect(document?.receipt).toBeUndefined();
    // Only the axis's signed rejection goes out, and only to the sender.
    const rejection = {
      documentId,
      messageId: rejectionIdFor(documentId),
      recipientId: GOVERNMENT_OFFICE,
    };
    expect(deps.routeQueue.sent).toEqual([rejection]);
    expect(await verifyDocument(deps, { documentId })).toBe('already-done');
    expect(deps.routeQueue.sent).toEqual([rejection]);
  });

  it('throws DocumentNotFoundError for a queued id with no record', async () => {
    const attempt = verifyDocument(deps, { documentId: `doc_${'a'.repeat(26)}` });
    await expect(attempt).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect(deps.routeQueue.sent).toEqual([]);
  });
});
