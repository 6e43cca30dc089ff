import { verify } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../../shared/domain/ids';
import { decodeCompactJws } from '../../../shared/domain/jws';
import type { Agency } from '../../../shared/domain/records';
import { RECEIPT_TYPE } from '../../../shared/services/axisSignature';
import { submitDocument } from '../../../shared/services/submitDocument';
import { DocumentNotFoundError, verifyDocument } from '../../../shared/services/verifyDocument';
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
      signature: 'present-not-xmldsig',
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
      signature: 'present-not-xmldsig',
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
  ])('notes the edXML-namespace Signature of %s as present-not-xmldsig', async (file, sender) => {
    const documentId = await submitted(sample(file), sender);
    await verifyDocument(deps, { documentId });
    expect(deps.exchange.documents.get(documentId)?.signature).toBe('present-not-xmldsig');
  });

  it.each([
    [
      'present',
      (text: string) =>
        text.replace('<Signature>', '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">'),
    ],
    [
      'absent',
      (text: string) =>
        text.slice(0, text.indexOf('<Signature>')) +
        text.slice(text.indexOf('</Signature>') + '</Signature>'.length),
    ],
  ])('notes a signature as %s', async (note, edit) => {
    const edited = edit(sampleText(THREE_PROVINCES_FILE));
    const documentId = await submitted(Buffer.from(edited));
    await verifyDocument(deps, { documentId });
    const document = deps.exchange.documents.get(documentId);
    expect(document?.signature).toBe(note);
    expect(decodeCompactJws(document?.receipt ?? '').payload.signature).toBe(note);
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

  it('rejects stored bytes whose digest changed (DIGEST_MISMATCH), queues nothing', async () => {
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
    expect(deps.routeQueue.sent).toEqual([]);
    expect(await verifyDocument(deps, { documentId })).toBe('already-done');
    expect(deps.routeQueue.sent).toEqual([]);
  });

  it('throws DocumentNotFoundError for a queued id with no record', async () => {
    const attempt = verifyDocument(deps, { documentId: `doc_${'a'.repeat(26)}` });
    await expect(attempt).rejects.toBeInstanceOf(DocumentNotFoundError);
    expect(deps.routeQueue.sent).toEqual([]);
  });
});
