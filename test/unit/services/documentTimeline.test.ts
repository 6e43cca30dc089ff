import { beforeEach, describe, expect, it } from 'vitest';
import type { Agency } from '#shared/domain/records';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { documentTimeline } from '#shared/services/documentTimeline';
import { reportStatus } from '#shared/services/reportStatus';
import { routeMessage } from '#shared/services/routeMessage';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
  OUTSIDER,
  type Registered,
  registerAgencies,
  SAMPLE_EDXML_ID,
  sample,
  THREE_PROVINCES,
  THREE_PROVINCES_FILE,
} from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

type Deps = ReturnType<typeof fakeDependencies>;

let deps: Deps;
let agencies: Map<string, Registered>;
let documentId: string;
const caller = (id: string): Agency => {
  const found = agencies.get(id);
  if (!found) throw new Error(`test setup: ${id} is not registered`);
  return found.agency;
};

async function report(from: string, statusCode: string) {
  deps.clock.advance(60_000);
  const body = buildStatusMessage({
    from: { organId: from },
    responseFor: { organId: GOVERNMENT_OFFICE, documentId: SAMPLE_EDXML_ID },
    statusCode,
    description: `${from} ${statusCode}`,
    timestamp: formatEdxmlTimestamp(deps.clock.now()),
  });
  return reportStatus(deps, caller(from), Buffer.from(body));
}

/** Sends every queued route request once, as the route consumer would. */
async function drainRouteQueue() {
  const requests = deps.routeQueue.sent.splice(0);
  for (const request of requests)
    await routeMessage({ ...deps, maxReceiveCount: 5, leaseMs: 15_000 }, request, 1);
}

beforeEach(async () => {
  deps = fakeDependencies();
  agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, ...THREE_PROVINCES, OUTSIDER]);
  ({ documentId } = await submitDocument(
    deps,
    caller(GOVERNMENT_OFFICE),
    sample(THREE_PROVINCES_FILE),
  ));
  deps.clock.advance(1_000);
  await verifyDocument(deps, { documentId });
  await drainRouteQueue();
  await report(NGHE_AN, '01');
  await report(CAO_BANG, '01');
  await report(NGHE_AN, '05');
  await report(NGHE_AN, '03');
  await drainRouteQueue();
});

describe('documentTimeline for the sender', () => {
  it('shows every recipient with its delivery, current status and history', async () => {
    const timeline = await documentTimeline(deps.exchange, caller(GOVERNMENT_OFFICE), documentId);

    expect(timeline).toMatchObject({
      documentId,
      edxmlDocumentId: SAMPLE_EDXML_ID,
      sender: GOVERNMENT_OFFICE,
      state: 'verified',
      // The sample's placeholder Signature sits in the edXML namespace, not XML-DSig's.
      signature: {
        envelope: { outcome: 'invalid', reason: 'NOT_XMLDSIG', detail: expect.any(String) },
      },
      createdAt: '2026-12-04T09:00:00.000Z',
      verifiedAt: '2026-12-04T09:00:01.000Z',
    });
    expect(timeline.receipt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(timeline.recipients.map((line) => line.agencyId)).toEqual([...THREE_PROVINCES]);

    const [ngheAn, caoBang, haiPhong] = timeline.recipients;
    expect(ngheAn.delivery).toMatchObject({ state: 'delivered', via: 'inbox', attempts: 1 });
    expect(ngheAn.currentStatus).toEqual({
      code: '05',
      name: 'Đang xử lý',
      updatedAt: '2026-12-04T09:03:01.000Z',
    });
    expect(ngheAn.statuses.map((status) => status.statusCode)).toEqual(['01', '05', '03']);
    expect(ngheAn.statuses[2]).toMatchObject({
      statusName: 'Đã tiếp nhận',
      description: `${NGHE_AN} 03`,
      receivedAt: '2026-12-04T09:04:01.000Z',
      deliveryToSender: { state: 'delivered', via: 'inbox' },
    });
    expect(caoBang.currentStatus?.code).toBe('01');
    expect(caoBang.statuses.map((status) => status.statusCode)).toEqual(['01']);
    expect(haiPhong.currentStatus).toBeUndefined();
    expect(haiPhong.statuses).toEqual([]);
  });

  it('shows a delivery not yet attempted as pending', async () => {
    deps.exchange.deliveries.clear();
    const timeline = await documentTimeline(deps.exchange, caller(GOVERNMENT_OFFICE), documentId);
    expect(timeline.recipients.map((line) => line.delivery)).toEqual([
      { state: 'pending' },
      { state: 'pending' },
      { state: 'pending' },
    ]);
  });
});

describe('documentTimeline for a recipient', () => {
  it.each([
    [NGHE_AN, ['01', '05', '03']],
    [CAO_BANG, ['01']],
    [HAI_PHONG, []],
  ])('shows %s its own line only', async (agencyId, codes) => {
    const timeline = await documentTimeline(deps.exchange, caller(agencyId), documentId);
    expect(timeline.recipients).toHaveLength(1);
    expect(timeline.recipients[0].agencyId).toBe(agencyId);
    expect(timeline.recipients[0].statuses.map((status) => status.statusCode)).toEqual(codes);
    const shown = JSON.stringify(timeline.recipients);
    for (const other of THREE_PROVINCES.filter((id) => id !== agencyId)) {
      expect(shown).not.toContain(other);
    }
  });
});

describe('documentTimeline refusals', () => {
  it.each([
    ['a third agency', OUTSIDER, () => documentId],
    ['a malformed id', GOVERNMENT_OFFICE, () => '../../documents'],
    [
      'a status id in place of a document id',
      NGHE_AN,
      () => [...deps.exchange.statuses.values()][0].messageId,
    ],
    ['an id that does not exist', GOVERNMENT_OFFICE, () => `doc_${'q'.repeat(26)}`],
    ['the edXML DocumentId', GOVERNMENT_OFFICE, () => SAMPLE_EDXML_ID],
  ])('answers NOT_FOUND to %s', async (_name, agencyId, id) => {
    await expect(documentTimeline(deps.exchange, caller(agencyId), id())).rejects.toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
    });
  });
});
