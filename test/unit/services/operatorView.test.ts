import { describe, expect, it } from 'vitest';
import { documentIdFor, statusMessageIdFor } from '#shared/domain/ids';
import type { Agency, DocumentRecord } from '#shared/domain/records';
import { NATIONAL_AXIS_CONNECTION } from '#shared/domain/records';
import {
  channelView,
  operatorAgencies,
  operatorDocument,
  operatorDocuments,
  operatorQueues,
} from '#shared/services/operatorView';
import { listInbox } from '#shared/services/readSide';
import { CAO_BANG, GOVERNMENT_OFFICE, HAI_PHONG, NGHE_AN } from '../../support/agencies';
import { FakeConnections, fakeDependencies } from '../../support/fakes';

type Deps = ReturnType<typeof fakeDependencies>;

const SPKI = 'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE-not-a-real-key-but-secret-looking';

function agency(agencyId: string, channel: Agency['channel']): Agency {
  return {
    agencyId,
    name: `Agency ${agencyId}`,
    channel,
    keys: [{ keyId: 'k-2026', publicKeySpki: SPKI, addedAt: '2026-01-01T00:00:00.000Z' }],
    signaturePolicy: 'optional',
    sendsFor: [],
    registeredAt: '2026-01-01T00:00:00.000Z',
  };
}

function document(n: number, overrides: Partial<DocumentRecord> = {}): DocumentRecord {
  const documentId = documentIdFor(GOVERNMENT_OFFICE, `operator-view-${n}`);
  return {
    documentId,
    senderId: GOVERNMENT_OFFICE,
    fromOrganId: GOVERNMENT_OFFICE,
    edxmlDocumentId: `${GOVERNMENT_OFFICE},2026/12/04,${n}`,
    recipients: [NGHE_AN, CAO_BANG],
    businessDocType: 0,
    sha256: 'a'.repeat(64),
    size: 1000 + n,
    payloadKey: `documents/${documentId}.edxml`,
    createdAt: `2026-12-04T08:0${n}:00.000Z`,
    state: 'verified',
    verifiedAt: `2026-12-04T08:0${n}:01.000Z`,
    ...overrides,
  };
}

async function seedDocument(deps: Deps, record: DocumentRecord) {
  await deps.exchange.createDocument(record);
  await deps.exchange.putDelivery({
    documentId: record.documentId,
    messageId: record.documentId,
    agencyId: NGHE_AN,
    kind: 'document',
    state: 'delivered',
    attempts: 1,
    via: 'webhook',
    updatedAt: record.createdAt,
    deliveredAt: record.createdAt,
  });
  await deps.exchange.putDelivery({
    documentId: record.documentId,
    messageId: record.documentId,
    agencyId: CAO_BANG,
    kind: 'document',
    state: 'delivered',
    attempts: 1,
    via: 'inbox',
    updatedAt: record.createdAt,
    deliveredAt: record.createdAt,
  });
  await deps.exchange.putProgress(
    {
      documentId: record.documentId,
      agencyId: NGHE_AN,
      statusCode: '03',
      updatedAt: '2026-12-04T08:30:00.000Z',
      version: 1,
    },
    0,
  );
  return record;
}

describe('operatorAgencies', () => {
  it('lists every agency in identifier order with its channel, key ids and state', async () => {
    const deps = fakeDependencies();
    await deps.directory.put(
      agency(NGHE_AN, {
        mode: 'webhook',
        url: 'https://dms:hunter2@vpdt.nghean.gov.vn:8443/lienthong/hook?token=s3cret#frag',
      }),
    );
    await deps.directory.put(agency(CAO_BANG, { mode: 'inbox' }));
    await deps.directory.put(agency(HAI_PHONG, { mode: 'webhook', url: 'https://hp.gov.vn/h' }));
    await deps.connections.recordDelivery(NGHE_AN, '2026-12-04T08:59:00.000Z');
    await deps.connections.recordPoll(CAO_BANG, '2026-12-04T07:00:00.000Z');

    const answer = await operatorAgencies(deps);

    expect(answer.checkedAt).toBe('2026-12-04T09:00:00.000Z');
    expect(answer.items.map((item) => item.agencyId)).toEqual([HAI_PHONG, CAO_BANG, NGHE_AN]);
    expect(answer.items[2]).toEqual({
      agencyId: NGHE_AN,
      name: `Agency ${NGHE_AN}`,
      channel: { mode: 'webhook', url: 'https://vpdt.nghean.gov.vn:8443/lienthong/hook' },
      keyIds: ['k-2026'],
      signaturePolicy: 'optional',
      sendsFor: [],
      registeredAt: '2026-01-01T00:00:00.000Z',
      connection: {
        state: 'connected',
        consecutiveFailures: 0,
        lastDeliveryAt: '2026-12-04T08:59:00.000Z',
        updatedAt: '2026-12-04T08:59:00.000Z',
      },
    });
    expect(answer.items[1]?.connection).toMatchObject({
      state: 'degraded',
      lastPollAt: '2026-12-04T07:00:00.000Z',
    });
    expect(answer.items[1]?.channel).toEqual({ mode: 'inbox' });
    expect(answer.items[0]?.connection).toEqual({ state: 'unknown', consecutiveFailures: 0 });
    expect(answer.nationalAxis).toBeUndefined();
    const text = JSON.stringify(answer);
    for (const secret of ['s3cret', 'hunter2', 'frag', SPKI, 'publicKeySpki']) {
      expect(text).not.toContain(secret);
    }
  });

  it('adds the national axis link once something was recorded for it', async () => {
    const deps = fakeDependencies();
    await deps.connections.recordFailure(
      NATIONAL_AXIS_CONNECTION,
      '2026-12-04T08:58:00.000Z',
      'timeout',
    );

    const answer = await operatorAgencies(deps);

    expect(answer.items).toEqual([]);
    expect(answer.nationalAxis).toEqual({
      agencyId: NATIONAL_AXIS_CONNECTION,
      connection: {
        state: 'degraded',
        consecutiveFailures: 1,
        lastFailureAt: '2026-12-04T08:58:00.000Z',
        lastFailure: 'timeout',
        updatedAt: '2026-12-04T08:58:00.000Z',
      },
    });
  });
});

describe('channelView', () => {
  it('keeps scheme, host and path only, and copes with a URL it cannot parse', () => {
    expect(channelView({ mode: 'webhook', url: 'https://a.vn/x/y?k=v' })).toEqual({
      mode: 'webhook',
      url: 'https://a.vn/x/y',
    });
    expect(channelView({ mode: 'webhook', url: 'not a url?k=v' })).toEqual({ mode: 'webhook' });
  });
});

describe('operatorDocuments', () => {
  it('pages recent documents newest first with each recipient’s delivery and status', async () => {
    const deps = fakeDependencies();
    const older = await seedDocument(deps, document(1));
    const newer = await seedDocument(
      deps,
      document(2, { state: 'received', verifiedAt: undefined }),
    );

    const first = await operatorDocuments(deps, { limit: 1 });
    const second = await operatorDocuments(deps, { limit: 1, cursor: first.cursor });

    expect(first.items.map((item) => item.documentId)).toEqual([newer.documentId]);
    expect(first.cursor).toBeDefined();
    expect(second.items.map((item) => item.documentId)).toEqual([older.documentId]);
    expect(second.cursor).toBeUndefined();
    expect(second.items[0]).toEqual({
      documentId: older.documentId,
      edxmlDocumentId: older.edxmlDocumentId,
      sender: GOVERNMENT_OFFICE,
      fromOrganId: GOVERNMENT_OFFICE,
      origin: 'local',
      state: 'verified',
      createdAt: older.createdAt,
      verifiedAt: older.verifiedAt,
      businessDocType: 0,
      size: 1001,
      recipients: [
        {
          agencyId: NGHE_AN,
          delivery: expect.objectContaining({ state: 'delivered', via: 'webhook', attempts: 1 }),
          currentStatus: expect.objectContaining({
            code: '03',
            updatedAt: '2026-12-04T08:30:00.000Z',
          }),
        },
        {
          agencyId: CAO_BANG,
          delivery: expect.objectContaining({ state: 'delivered', via: 'inbox' }),
        },
      ],
    });
  });

  it('shows a recipient not tried yet as pending, and keeps pages within the maximum', async () => {
    const deps = fakeDependencies();
    await deps.exchange.createDocument(document(3, { recipients: [HAI_PHONG] }));

    const answer = await operatorDocuments(deps, { limit: 1000 });

    expect(answer.items[0]?.recipients).toEqual([
      { agencyId: HAI_PHONG, delivery: { state: 'pending' } },
    ]);
  });
});

describe('operatorDocument', () => {
  it('answers every recipient’s line, with a pull recipient’s acknowledgement', async () => {
    const deps = fakeDependencies();
    const record = await seedDocument(deps, document(4));
    await deps.inbox.add({
      agencyId: CAO_BANG,
      messageId: record.documentId,
      kind: 'document',
      documentId: record.documentId,
      from: GOVERNMENT_OFFICE,
      enqueuedAt: record.createdAt,
    });
    await deps.inbox.acknowledge(CAO_BANG, record.documentId, {
      result: 'done',
      at: '2026-12-04T08:40:00.000Z',
    });

    const timeline = await operatorDocument(deps, record.documentId);

    expect(timeline.documentId).toBe(record.documentId);
    expect(timeline.recipients.map((line) => line.agencyId)).toEqual([NGHE_AN, CAO_BANG]);
    expect(timeline.recipients[1]?.delivery.acknowledgement).toEqual({
      result: 'done',
      at: '2026-12-04T08:40:00.000Z',
    });
    expect(timeline.recipients[0]?.currentStatus?.code).toBe('03');
  });

  it('answers NOT_FOUND for an unknown id and for something that is not an axis id', async () => {
    const deps = fakeDependencies();
    for (const documentId of [documentIdFor(GOVERNMENT_OFFICE, 'nothing'), '../etc', '']) {
      await expect(operatorDocument(deps, documentId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    }
  });
});

describe('operatorQueues', () => {
  it('answers the depths of every queue with the time they were read', async () => {
    const deps = fakeDependencies();
    deps.queueDepths.depths = [
      { queue: 'verify', visible: 2, inFlight: 1, delayed: 0, deadLetter: { visible: 0 } },
      { queue: 'route', visible: 0, inFlight: 0, delayed: 0, deadLetter: { visible: 4 } },
    ];

    await expect(operatorQueues(deps)).resolves.toEqual({
      checkedAt: '2026-12-04T09:00:00.000Z',
      queues: deps.queueDepths.depths,
    });
  });
});

describe('listInbox', () => {
  it('records a pull agency’s poll at the time of the listing', async () => {
    const deps = fakeDependencies();
    const caller = agency(CAO_BANG, { mode: 'inbox' });

    const page = await listInbox(deps, caller, {});

    expect(page).toEqual({ items: [], cursor: undefined });
    expect(await deps.connections.get(CAO_BANG)).toMatchObject({
      lastPollAt: '2026-12-04T09:00:00.000Z',
      consecutiveFailures: 0,
    });
  });

  it('records nothing for a webhook agency: its deliveries tell its state', async () => {
    const deps = fakeDependencies();
    await listInbox(deps, agency(NGHE_AN, { mode: 'webhook', url: 'https://a.vn/h' }), {});
    expect(await deps.connections.list()).toEqual([]);
  });

  it('answers the listing even when the poll cannot be recorded', async () => {
    const deps = fakeDependencies();
    const statusId = statusMessageIdFor(CAO_BANG, 'poll-failure');
    await deps.inbox.add({
      agencyId: CAO_BANG,
      messageId: statusId,
      kind: 'status',
      documentId: documentIdFor(GOVERNMENT_OFFICE, 'x'),
      from: NGHE_AN,
      enqueuedAt: '2026-12-04T08:00:00.000Z',
    });
    const broken = new (class extends FakeConnections {
      override async recordPoll(): Promise<void> {
        throw new Error('ProvisionedThroughputExceededException');
      }
    })();

    const page = await listInbox(
      { ...deps, connections: broken },
      agency(CAO_BANG, { mode: 'inbox' }),
      {},
    );

    expect(page.items.map((item) => item.messageId)).toEqual([statusId]);
  });

  it('still refuses a bad limit', async () => {
    const deps = fakeDependencies();
    await expect(
      listInbox(deps, agency(CAO_BANG, { mode: 'inbox' }), { limit: '0' }),
    ).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
  });
});
