import { beforeEach, describe, expect, it } from 'vitest';
import { AxisError } from '#shared/domain/AxisError';
import { documentIdFor, sha256Hex } from '#shared/domain/ids';
import type { Agency } from '#shared/domain/records';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  HOA_SON,
  HOA_TIEN,
  NGHE_AN,
  NOTHING_STORED,
  type Registered,
  registerAgencies,
  SAMPLE_EDXML_ID,
  sample,
  sampleText,
  storedCounts,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

type Deps = ReturnType<typeof fakeDependencies>;

let deps: Deps;
let agencies: Map<string, Registered>;
const caller = (id: string): Agency => {
  const found = agencies.get(id);
  if (!found) throw new Error(`test setup: ${id} is not registered`);
  return found.agency;
};

beforeEach(async () => {
  deps = fakeDependencies();
  agencies = await registerAgencies(deps, [
    GOVERNMENT_OFFICE,
    ...THREE_PROVINCES,
    HOA_TIEN,
    HOA_SON,
  ]);
});

describe('submitDocument: an accepted document', () => {
  it('stores the exact bytes, records message and document, queues one verification', async () => {
    const body = sample(THREE_PROVINCES_FILE);

    const result = await submitDocument(deps, caller(GOVERNMENT_OFFICE), body);

    const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(body));
    expect(result).toEqual({ documentId, recipients: [...THREE_PROVINCES], duplicate: false });
    const payloadKey = `documents/${documentId}.edxml`;
    expect([...deps.payloads.objects.keys()]).toEqual([payloadKey]);
    expect(Buffer.compare(deps.payloads.objects.get(payloadKey) ?? new Uint8Array(), body)).toBe(0);
    expect(deps.exchange.messages.get(documentId)).toEqual({
      messageId: documentId,
      kind: 'document',
      documentId,
      from: GOVERNMENT_OFFICE,
      to: [...THREE_PROVINCES],
      payloadKey,
      sha256: sha256Hex(body),
      size: body.byteLength,
      createdAt: '2026-12-04T09:00:00.000Z',
    });
    expect(deps.exchange.documents.get(documentId)).toEqual({
      documentId,
      senderId: GOVERNMENT_OFFICE,
      fromOrganId: GOVERNMENT_OFFICE,
      edxmlDocumentId: SAMPLE_EDXML_ID,
      recipients: [...THREE_PROVINCES],
      businessDocType: 0,
      sha256: sha256Hex(body),
      size: body.byteLength,
      payloadKey,
      createdAt: '2026-12-04T09:00:00.000Z',
      state: 'received',
    });
    expect(deps.verifyQueue.sent).toEqual([{ documentId }]);
    expect(deps.routeQueue.sent).toEqual([]);
  });

  it.each([
    ['edoc_new.edxml', HOA_TIEN, [HOA_SON], 0],
    ['edoc_revocation.edxml', GOVERNMENT_OFFICE, [...THREE_PROVINCES], 1],
    ['edoc_update.edxml', GOVERNMENT_OFFICE, [...THREE_PROVINCES], 2],
    ['edoc_replacement.edxml', GOVERNMENT_OFFICE, [...THREE_PROVINCES], 3],
  ])('accepts %s from %s', async (file, sender, recipients, businessDocType) => {
    const body = sample(file);
    const result = await submitDocument(deps, caller(sender), body);
    expect(result.recipients).toEqual(recipients);
    expect(deps.exchange.documents.get(result.documentId)?.businessDocType).toBe(businessDocType);
    expect(deps.exchange.documents.get(result.documentId)?.size).toBe(body.byteLength);
  });

  it('names each recipient once even when the message repeats a To block', async () => {
    const text = sampleText(THREE_PROVINCES_FILE);
    const start = text.indexOf('<edXML:To>');
    const end = text.indexOf('</edXML:To>') + '</edXML:To>'.length;
    const firstTo = text.slice(start, end);
    const doubled = `${text.slice(0, end)}\n${firstTo}\n${firstTo}${text.slice(end)}`;

    const result = await submitDocument(deps, caller(GOVERNMENT_OFFICE), Buffer.from(doubled));

    expect(result.recipients).toEqual([...THREE_PROVINCES]);
    expect(deps.exchange.documents.get(result.documentId)?.recipients).toEqual([
      ...THREE_PROVINCES,
    ]);
    expect(deps.exchange.messages.get(result.documentId)?.to).toEqual([...THREE_PROVINCES]);
  });
});

describe('submitDocument: the same bytes again', () => {
  it('answers the same id as a duplicate and re-queues while still unverified', async () => {
    const first = await submitDocument(
      deps,
      caller(GOVERNMENT_OFFICE),
      sample(THREE_PROVINCES_FILE),
    );
    deps.clock.advance(60_000);

    const again = await submitDocument(
      deps,
      caller(GOVERNMENT_OFFICE),
      sample(THREE_PROVINCES_FILE),
    );

    expect(again).toEqual({ ...first, duplicate: true });
    expect(deps.verifyQueue.sent).toEqual([
      { documentId: first.documentId },
      { documentId: first.documentId },
    ]);
    expect(deps.payloads.objects.size).toBe(1);
    expect(deps.exchange.documents.size).toBe(1);
    // The first record stands: the retry does not rewrite when it arrived.
    expect(deps.exchange.messages.get(first.documentId)?.createdAt).toBe(
      '2026-12-04T09:00:00.000Z',
    );
  });

  it('queues nothing more once the document is verified', async () => {
    const first = await submitDocument(
      deps,
      caller(GOVERNMENT_OFFICE),
      sample(THREE_PROVINCES_FILE),
    );
    await verifyDocument(deps, { documentId: first.documentId });
    const before = storedCounts(deps);

    const again = await submitDocument(
      deps,
      caller(GOVERNMENT_OFFICE),
      sample(THREE_PROVINCES_FILE),
    );

    expect(again).toEqual({ ...first, duplicate: true });
    expect(storedCounts(deps)).toEqual(before);
    expect(deps.exchange.documents.get(first.documentId)?.state).toBe('verified');
  });

  it('gives a copy re-addressed from another sender an id of its own', async () => {
    const text = sampleText(THREE_PROVINCES_FILE);
    const fromG22 = await submitDocument(deps, caller(GOVERNMENT_OFFICE), Buffer.from(text));
    const asHoaTien = text.replace(
      `<edXML:OrganId>${GOVERNMENT_OFFICE}</edXML:OrganId>`,
      `<edXML:OrganId>${HOA_TIEN}</edXML:OrganId>`,
    );
    const fromA80 = await submitDocument(deps, caller(HOA_TIEN), Buffer.from(asHoaTien));
    expect(fromA80.documentId).not.toBe(fromG22.documentId);
    expect(fromA80.duplicate).toBe(false);
    expect(deps.exchange.documents.size).toBe(2);
  });
});

describe('submitDocument: for a unit the caller sends for', () => {
  const UNIT = `${GOVERNMENT_OFFICE}.01`;
  /** The three-province sample with its From naming `organId`. */
  const fromOrgan = (organId: string) =>
    Buffer.from(
      sampleText(THREE_PROVINCES_FILE).replace(
        `<edXML:OrganId>${GOVERNMENT_OFFICE}</edXML:OrganId>`,
        `<edXML:OrganId>${organId}</edXML:OrganId>`,
      ),
    );

  beforeEach(async () => {
    // The unit is an agency of its own too: sending for it does not work backwards.
    const units = await registerAgencies(deps, [
      { agencyId: GOVERNMENT_OFFICE, sendsFor: [UNIT] },
      UNIT,
    ]);
    for (const [id, registered] of units) agencies.set(id, registered);
  });

  it('records the unit as From and the caller as the sender', async () => {
    const body = fromOrgan(UNIT);

    const result = await submitDocument(deps, caller(GOVERNMENT_OFFICE), body);

    const documentId = documentIdFor(GOVERNMENT_OFFICE, sha256Hex(body));
    expect(result).toEqual({ documentId, recipients: [...THREE_PROVINCES], duplicate: false });
    expect(deps.exchange.documents.get(documentId)).toMatchObject({
      senderId: GOVERNMENT_OFFICE,
      fromOrganId: UNIT,
    });
    expect(deps.exchange.messages.get(documentId)?.from).toBe(GOVERNMENT_OFFICE);
  });

  it.each([
    ['a unit nobody sends for', `${GOVERNMENT_OFFICE}.02`, GOVERNMENT_OFFICE],
    ['a unit another agency sends for', UNIT, NGHE_AN],
    ['the agency that sends for the caller', GOVERNMENT_OFFICE, UNIT],
  ])('refuses a From naming %s with SENDER_MISMATCH', async (_name, organId, as) => {
    const attempt = submitDocument(deps, caller(as), fromOrgan(organId));
    await expect(attempt).rejects.toMatchObject({ code: 'SENDER_MISMATCH', httpStatus: 403 });
    expect(storedCounts(deps)).toEqual(NOTHING_STORED);
  });
});

describe('submitDocument: refusals leave nothing behind', () => {
  const statusBody = () => sample('status_acceptance_03.edxml');
  it.each([
    {
      name: 'a document whose From is another agency',
      caller: NGHE_AN,
      body: () => sample(THREE_PROVINCES_FILE),
      code: 'SENDER_MISMATCH',
      status: 403,
    },
    {
      name: 'bytes that are not XML',
      caller: GOVERNMENT_OFFICE,
      body: () => Buffer.from('this is not xml at all'),
      code: 'NOT_XML',
      status: 400,
    },
    {
      name: 'a truncated document',
      caller: GOVERNMENT_OFFICE,
      body: () => sample(THREE_PROVINCES_FILE).subarray(0, 2000),
      code: 'NOT_XML',
      status: 400,
    },
    {
      name: 'an empty body',
      caller: GOVERNMENT_OFFICE,
      body: () => Buffer.alloc(0),
      code: 'EMPTY_BODY',
      status: 400,
    },
    {
      name: 'XML that is not edXML',
      caller: GOVERNMENT_OFFICE,
      body: () => Buffer.from('<?xml version="1.0"?><root/>'),
      code: 'NOT_EDXML',
      status: 400,
    },
    {
      name: 'a status posted as a document',
      caller: NGHE_AN,
      body: statusBody,
      code: 'STATUS_SENT_AS_DOCUMENT',
      status: 400,
    },
  ])('refuses $name with $code', async ({ caller: id, body, code, status }) => {
    const attempt = submitDocument(deps, caller(id), body());
    await expect(attempt).rejects.toBeInstanceOf(AxisError);
    await expect(attempt).rejects.toMatchObject({ code, httpStatus: status });
    expect(storedCounts(deps)).toEqual(NOTHING_STORED);
  });

  it('refuses unknown recipients with UNKNOWN_RECIPIENT and lists them', async () => {
    deps.directory.agencies.delete(CAO_BANG);
    deps.directory.agencies.delete(HAI_PHONG);

    const attempt = submitDocument(deps, caller(GOVERNMENT_OFFICE), sample(THREE_PROVINCES_FILE));

    await expect(attempt).rejects.toMatchObject({
      code: 'UNKNOWN_RECIPIENT',
      httpStatus: 422,
      details: { unknown: [CAO_BANG, HAI_PHONG] },
    });
    await expect(attempt).rejects.toThrow(/000\.00\.00\.H14, 000\.00\.00\.G17/);
    expect(storedCounts(deps)).toEqual(NOTHING_STORED);
  });
});
