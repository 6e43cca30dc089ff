import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoExchangeStore } from '#shared/adapters/dynamodb/DynamoExchangeStore';
import { documentIdFor, statusMessageIdFor } from '#shared/domain/ids';
import type {
  DeliveryRecord,
  DocumentRecord,
  RecipientProgress,
  StatusRecord,
} from '#shared/domain/records';
import type { ProvisionedAxis } from '../../../local/provision';
import { CAO_BANG, GOVERNMENT_OFFICE, HOA_TIEN, NGHE_AN } from '../../support/agencies';
import { provisionTestAxis } from '../../support/testAxis';
import { waitFor } from '../../support/waitFor';

let axis: ProvisionedAxis;
let store: DynamoExchangeStore;

beforeAll(async () => {
  axis = await provisionTestAxis('exchange-store');
  store = new DynamoExchangeStore(axis.tables.exchange);
});

afterAll(async () => {
  await axis?.teardown();
});

const nonce = () => randomBytes(16).toString('hex');

function documentRecord(overrides: Partial<DocumentRecord> = {}): DocumentRecord {
  const senderId = overrides.senderId ?? GOVERNMENT_OFFICE;
  const sha256 = randomBytes(32).toString('hex');
  const documentId = documentIdFor(senderId, sha256);
  return {
    documentId,
    senderId,
    fromOrganId: senderId,
    edxmlDocumentId: `${senderId},2026/12/04,${nonce()}`,
    recipients: [NGHE_AN, CAO_BANG],
    businessDocType: 0,
    sha256,
    size: 1234,
    payloadKey: `documents/${documentId}.edxml`,
    createdAt: '2026-12-04T09:00:00.000Z',
    state: 'received',
    ...overrides,
  };
}

function delivery(documentId: string, overrides: Partial<DeliveryRecord> = {}): DeliveryRecord {
  return {
    documentId,
    messageId: documentId,
    agencyId: NGHE_AN,
    kind: 'document',
    state: 'pending',
    attempts: 1,
    updatedAt: '2026-12-04T09:00:01.000Z',
    ...overrides,
  };
}

function status(documentId: string, overrides: Partial<StatusRecord> = {}): StatusRecord {
  return {
    documentId,
    messageId: statusMessageIdFor(NGHE_AN, nonce()),
    agencyId: NGHE_AN,
    statusCode: '01',
    receivedAt: '2026-12-04T09:01:00.000Z',
    ...overrides,
  };
}

function progress(documentId: string, overrides: Partial<RecipientProgress> = {}) {
  return {
    documentId,
    agencyId: NGHE_AN,
    statusCode: '01',
    updatedAt: '2026-12-04T09:01:00.000Z',
    version: 1,
    ...overrides,
  } satisfies RecipientProgress;
}

describe('DynamoExchangeStore documents', () => {
  it('creates a document once; a second create is "exists" and changes nothing', async () => {
    const first = documentRecord();
    expect(await store.createDocument(first)).toBe('created');

    const again = {
      ...first,
      size: 9999,
      recipients: [HOA_TIEN],
      createdAt: '2027-01-01T00:00:00Z',
    };
    expect(await store.createDocument(again)).toBe('exists');

    expect(await store.getDocument(first.documentId)).toEqual(first);
  });

  it('returns undefined for a document that was never created', async () => {
    expect(await store.getDocument(documentIdFor(GOVERNMENT_OFFICE, nonce()))).toBeUndefined();
  });

  it('finds documents by sender and edXML DocumentId through the index, newest first', async () => {
    const edxmlDocumentId = `${GOVERNMENT_OFFICE},2026/12/04,${nonce()}`;
    const older = documentRecord({ edxmlDocumentId, createdAt: '2026-12-04T09:00:00.000Z' });
    const newer = documentRecord({ edxmlDocumentId, createdAt: '2026-12-04T10:00:00.000Z' });
    const otherSender = documentRecord({
      senderId: HOA_TIEN,
      edxmlDocumentId,
      createdAt: '2026-12-04T11:00:00.000Z',
    });
    const unrelated = documentRecord({ createdAt: '2026-12-04T12:00:00.000Z' });
    // Newest first on purpose: the order must follow createdAt, not write order.
    for (const document of [newer, otherSender, unrelated, older]) {
      expect(await store.createDocument(document)).toBe('created');
    }

    // Index reads are eventually consistent on DynamoDB itself: bounded wait.
    const found = await waitFor('the index to hold both documents', async () => {
      const ids = await store.findDocumentsByEdxmlId(GOVERNMENT_OFFICE, edxmlDocumentId);
      return ids.length >= 2 ? ids : undefined;
    });
    expect(found).toEqual([newer.documentId, older.documentId]);
    expect(await store.findDocumentsByEdxmlId(HOA_TIEN, edxmlDocumentId)).toEqual([
      otherSender.documentId,
    ]);
    expect(await store.findDocumentsByEdxmlId(NGHE_AN, edxmlDocumentId)).toEqual([]);
    expect(await store.findDocumentsByEdxmlId(GOVERNMENT_OFFICE, `${edxmlDocumentId}x`)).toEqual(
      [],
    );
  });

  it('files a document under its From/OrganId, not under the agency that sent it', async () => {
    const edxmlDocumentId = `${GOVERNMENT_OFFICE},2026/12/04,${nonce()}`;
    const unit = `${GOVERNMENT_OFFICE}.01`;
    const forUnit = documentRecord({ edxmlDocumentId, fromOrganId: unit });
    const ownDocument = documentRecord({
      edxmlDocumentId,
      createdAt: '2026-12-04T08:00:00.000Z',
    });
    expect(forUnit.senderId).toBe(GOVERNMENT_OFFICE);
    for (const document of [forUnit, ownDocument]) {
      expect(await store.createDocument(document)).toBe('created');
    }

    const underUnit = await waitFor('the index to hold the unit document', async () => {
      const ids = await store.findDocumentsByEdxmlId(unit, edxmlDocumentId);
      return ids.length > 0 ? ids : undefined;
    });
    expect(underUnit).toEqual([forUnit.documentId]);
    const underAgency = await waitFor('the index to hold the agency document', async () => {
      const ids = await store.findDocumentsByEdxmlId(GOVERNMENT_OFFICE, edxmlDocumentId);
      return ids.length > 0 ? ids : undefined;
    });
    expect(underAgency).toEqual([ownDocument.documentId]);
    expect(await store.getDocument(forUnit.documentId)).toEqual(forUnit);
  });

  it('finds documents by code key, newest first; links change no state', async () => {
    const codeKey = `${GOVERNMENT_OFFICE}|${nonce()}/VPCP|2015-09-30`;
    const older = documentRecord({ createdAt: '2026-12-04T08:00:00.000Z' });
    const newer = documentRecord({ createdAt: '2026-12-04T09:00:00.000Z' });
    for (const document of [older, newer]) {
      await store.createDocument(document);
      await store.linkDocument(document.documentId, { codeKey });
    }
    await store.linkDocument(older.documentId, { revokedBy: newer.documentId });

    const found = await waitFor('the code index to hold both documents', async () => {
      const ids = await store.findDocumentsByCode(codeKey);
      return ids.length >= 2 ? ids : undefined;
    });
    expect(found).toEqual([newer.documentId, older.documentId]);
    expect(await store.getDocument(older.documentId)).toEqual({
      ...older,
      codeKey,
      revokedBy: newer.documentId,
    });
    expect(await store.findDocumentsByCode(`${codeKey}x`)).toEqual([]);
    await expect(store.linkDocument('doc_absent', { codeKey })).rejects.toThrow();
  });

  it('moves a document out of "received" once: a later verdict does not overwrite it', async () => {
    const document = documentRecord();
    await store.createDocument(document);
    const verified = {
      signature: { envelope: { outcome: 'absent' as const } },
      receipt: 'a.b.c',
      verifiedAt: '2026-12-04T09:00:05Z',
    };

    await store.markVerified(document.documentId, verified);
    await store.markRejected(document.documentId, {
      rejection: { code: 'DIGEST_MISMATCH', message: 'late' },
    });
    await store.markVerified(document.documentId, { ...verified, receipt: 'x.y.z' });

    expect(await store.getDocument(document.documentId)).toEqual({
      ...document,
      state: 'verified',
      ...verified,
    });
  });

  it('keeps message records by id', async () => {
    const document = documentRecord();
    const message = {
      messageId: document.documentId,
      kind: 'document' as const,
      documentId: document.documentId,
      from: document.senderId,
      to: document.recipients,
      payloadKey: document.payloadKey,
      sha256: document.sha256,
      size: document.size,
      createdAt: document.createdAt,
    };
    await store.putMessage(message);
    expect(await store.getMessage(message.messageId)).toEqual(message);
    expect(await store.getMessage(documentIdFor(GOVERNMENT_OFFICE, nonce()))).toBeUndefined();
  });
});

describe('DynamoExchangeStore deliveries', () => {
  it('never downgrades a delivery recorded as delivered', async () => {
    const { documentId } = documentRecord();
    await store.putDelivery(delivery(documentId, { state: 'retrying', lastError: 'HTTP 503' }));
    expect(await store.getDelivery(documentId, documentId, NGHE_AN)).toMatchObject({
      state: 'retrying',
      attempts: 1,
    });

    const delivered = delivery(documentId, {
      state: 'delivered',
      attempts: 2,
      via: 'webhook',
      deliveredAt: '2026-12-04T09:00:09.000Z',
    });
    await store.putDelivery(delivered);
    // A slower attempt reports failure after the success was recorded.
    await store.putDelivery(delivery(documentId, { state: 'retrying', attempts: 3 }));
    await store.putDelivery(delivery(documentId, { state: 'dead', attempts: 5 }));
    await store.putDelivery(delivery(documentId, { state: 'pending', attempts: 1 }));

    expect(await store.getDelivery(documentId, documentId, NGHE_AN)).toEqual(delivered);
  });

  it('keeps deliveries to different agencies apart', async () => {
    const { documentId } = documentRecord();
    await store.putDelivery(delivery(documentId, { agencyId: NGHE_AN, state: 'delivered' }));
    await store.putDelivery(delivery(documentId, { agencyId: CAO_BANG, state: 'dead' }));
    expect((await store.getDelivery(documentId, documentId, NGHE_AN))?.state).toBe('delivered');
    expect((await store.getDelivery(documentId, documentId, CAO_BANG))?.state).toBe('dead');
    expect(await store.getDelivery(documentId, documentId, HOA_TIEN)).toBeUndefined();
  });
});

describe('DynamoExchangeStore statuses and progress', () => {
  it('adds a status once; a repeat is "exists" and keeps the first', async () => {
    const { documentId } = documentRecord();
    const first = status(documentId, { description: 'first' });
    expect(await store.addStatus(first)).toBe('created');
    expect(await store.addStatus({ ...first, description: 'again', statusCode: '06' })).toBe(
      'exists',
    );
    expect((await store.getTimeline(documentId)).statuses).toEqual([first]);
  });

  it('writes progress only at the expected version: a stale writer gets false', async () => {
    const { documentId } = documentRecord();
    const v1 = progress(documentId, { statusCode: '01', version: 1 });
    expect(await store.putProgress(v1, 0)).toBe(true);
    // A second writer that also saw "no progress yet" loses.
    expect(await store.putProgress(progress(documentId, { statusCode: '03', version: 1 }), 0)).toBe(
      false,
    );

    const v2 = progress(documentId, { statusCode: '04', version: 2 });
    expect(await store.putProgress(v2, 1)).toBe(true);
    // A writer that read version 1 before v2 landed loses too.
    expect(await store.putProgress(progress(documentId, { statusCode: '03', version: 2 }), 1)).toBe(
      false,
    );
    expect(await store.putProgress(progress(documentId, { statusCode: '05', version: 9 }), 8)).toBe(
      false,
    );

    expect(await store.getProgress(documentId, NGHE_AN)).toEqual(v2);
    expect(await store.getProgress(documentId, CAO_BANG)).toBeUndefined();
  });
});

describe('DynamoExchangeStore timeline', () => {
  it('returns the deliveries, statuses and progress of that document only', async () => {
    const mine = documentRecord();
    const other = documentRecord();
    await store.createDocument(mine);
    await store.createDocument(other);

    const myDeliveries = [
      delivery(mine.documentId, { agencyId: NGHE_AN, state: 'delivered' }),
      delivery(mine.documentId, { agencyId: CAO_BANG, state: 'retrying' }),
    ];
    const myStatuses = [
      status(mine.documentId, { statusCode: '01' }),
      status(mine.documentId, { statusCode: '03', receivedAt: '2026-12-04T09:02:00.000Z' }),
    ];
    const myProgress = [progress(mine.documentId, { statusCode: '03', version: 1 })];
    for (const record of myDeliveries) await store.putDelivery(record);
    for (const record of myStatuses) await store.addStatus(record);
    for (const record of myProgress) await store.putProgress(record, 0);
    // The other document's records, and a message record of mine (kept apart).
    await store.putDelivery(delivery(other.documentId, { agencyId: NGHE_AN }));
    await store.addStatus(status(other.documentId));
    await store.putProgress(progress(other.documentId), 0);
    await store.putMessage({
      messageId: myStatuses[0]?.messageId as string,
      kind: 'status',
      documentId: mine.documentId,
      from: NGHE_AN,
      to: [mine.senderId],
      payloadKey: 'statuses/x.edxml',
      sha256: mine.sha256,
      size: 10,
      createdAt: '2026-12-04T09:01:00.000Z',
      statusCode: '01',
    });

    const timeline = await store.getTimeline(mine.documentId);

    const byAgency = (a: { agencyId: string }, b: { agencyId: string }) =>
      a.agencyId.localeCompare(b.agencyId);
    const byMessage = (a: { messageId: string }, b: { messageId: string }) =>
      a.messageId.localeCompare(b.messageId);
    expect([...timeline.deliveries].sort(byAgency)).toEqual([...myDeliveries].sort(byAgency));
    expect([...timeline.statuses].sort(byMessage)).toEqual([...myStatuses].sort(byMessage));
    expect(timeline.progress).toEqual(myProgress);
  });

  it('is empty for a document with nothing recorded', async () => {
    expect(await store.getTimeline(documentIdFor(GOVERNMENT_OFFICE, nonce()))).toEqual({
      deliveries: [],
      statuses: [],
      progress: [],
    });
  });
});

describe('recent documents for operators', () => {
  const dayAgo = (days: number, time = '08:00:00.000') =>
    `${new Date(Date.now() - days * 86_400_000).toISOString().slice(0, 10)}T${time}Z`;

  // A table of its own: the other tests' documents are dated today too.
  let recentAxis: ProvisionedAxis;
  let recent: DynamoExchangeStore;
  beforeAll(async () => {
    recentAxis = await provisionTestAxis('recent-documents');
    recent = new DynamoExchangeStore(recentAxis.tables.exchange);
  });
  afterAll(async () => {
    await recentAxis?.teardown();
  });

  it('pages documents newest first across days, and refuses a cursor it did not give', async () => {
    const today = documentRecord({ createdAt: dayAgo(0, '00:00:01.000') });
    const yesterday = documentRecord({ createdAt: dayAgo(1) });
    const lastWeek = documentRecord({ createdAt: dayAgo(7) });
    for (const document of [lastWeek, today, yesterday]) await recent.createDocument(document);

    const first = await recent.listRecentDocuments({ limit: 2 });
    expect(first.items.map((item) => item.documentId)).toEqual([
      today.documentId,
      yesterday.documentId,
    ]);
    expect(first.items[0]).toEqual(today);
    const second = await recent.listRecentDocuments({ limit: 2, cursor: first.cursor });
    expect(second.items.map((item) => item.documentId)).toEqual([lastWeek.documentId]);

    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    for (const cursor of [
      'not a cursor',
      forged({ day: '2026-13-45' }),
      forged({ day: '9999-12-31' }),
      forged({ day: '2001-01-01' }),
      forged({ day: dayAgo(0).slice(0, 10), key: { pk: 'x' } }),
    ]) {
      await expect(recent.listRecentDocuments({ limit: 2, cursor })).rejects.toMatchObject({
        code: 'INVALID_PARAMETER',
      });
    }
  });
});
