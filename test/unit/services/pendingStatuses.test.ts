import { beforeEach, describe, expect, it } from 'vitest';
import type { Agency } from '#shared/domain/records';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { acceptStatus, MAX_PENDING_PER_DOCUMENT } from '#shared/services/acceptStatus';
import { applyPendingStatuses } from '#shared/services/applyPendingStatuses';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import {
  GOVERNMENT_OFFICE,
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

const caller = (id: string): Agency => {
  const found = agencies.get(id);
  if (!found) throw new Error(`test setup: ${id} is not registered`);
  return found.agency;
};

/** A status about the three-province sample, which the tests send only later. */
function statusBody(
  from: string,
  statusCode: string,
  note = '',
  responseFor: { documentId: string; code?: string; promulgationDate?: string } = {
    documentId: SAMPLE_EDXML_ID,
  },
): Buffer {
  return Buffer.from(
    buildStatusMessage({
      from: { organId: from, organName: `Agency ${from}` },
      responseFor: { organId: GOVERNMENT_OFFICE, ...responseFor },
      statusCode,
      description: `status ${statusCode} from ${from}${note}`,
      timestamp: formatEdxmlTimestamp(deps.clock.now()),
    }),
  );
}

/** Submits and verifies the document the statuses spoke of. */
async function documentArrives(): Promise<string> {
  const { documentId } = await submitDocument(
    deps,
    caller(GOVERNMENT_OFFICE),
    sample(THREE_PROVINCES_FILE),
  );
  deps.routeQueue.sent.length = 0;
  await verifyDocument(deps, { documentId });
  return documentId;
}

const historyOf = (documentId: string, agencyId: string) =>
  [...deps.exchange.statuses.values()]
    .filter((status) => status.documentId === documentId && status.agencyId === agencyId)
    .map((status) => status.statusCode);
const routesOf = (messageId: string) =>
  deps.routeQueue.sent.filter((request) => request.messageId === messageId);

beforeEach(async () => {
  deps = fakeDependencies();
  agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, ...THREE_PROVINCES, OUTSIDER]);
});

describe('a status that arrives before its document', () => {
  it('is kept with its exact bytes, answered as pending and routed nowhere', async () => {
    const body = statusBody(NGHE_AN, '03');
    const result = await acceptStatus(deps, caller(NGHE_AN), body);

    expect(result).toMatchObject({ pending: true, statusCode: '03', duplicate: false });
    const kept = deps.exchange.pending.get(result.messageId);
    expect(kept).toMatchObject({
      agencyId: NGHE_AN,
      state: 'pending',
      responseForOrganId: GOVERNMENT_OFFICE,
      responseForDocumentId: SAMPLE_EDXML_ID,
    });
    expect(Buffer.from(await deps.payloads.get(kept?.payloadKey ?? '')).equals(body)).toBe(true);
    expect(deps.routeQueue.sent).toEqual([]);
    expect(deps.exchange.statuses.size).toBe(0);
    expect(deps.exchange.messages.size).toBe(0);
  });

  it('keeps a retry of the same bytes once', async () => {
    const body = statusBody(NGHE_AN, '03');
    const first = await acceptStatus(deps, caller(NGHE_AN), body);
    const again = await acceptStatus(deps, caller(NGHE_AN), body);

    expect(again).toMatchObject({ messageId: first.messageId, pending: true, duplicate: true });
    expect(deps.exchange.pending.size).toBe(1);
  });

  it('is applied when the document is verified: history, progress, one route', async () => {
    const { messageId } = await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03'));
    const documentId = await documentArrives();

    expect(historyOf(documentId, NGHE_AN)).toEqual(['03']);
    expect(deps.exchange.progress.get(`${documentId}|${NGHE_AN}`)?.statusCode).toBe('03');
    expect(routesOf(messageId)).toEqual([
      { documentId, messageId, recipientId: GOVERNMENT_OFFICE },
    ]);
    expect(deps.exchange.messages.get(messageId)).toMatchObject({
      kind: 'status',
      documentId,
      from: NGHE_AN,
      to: [GOVERNMENT_OFFICE],
    });
    expect(deps.exchange.pending.size).toBe(0);
  });

  it('finds its document by code when the DocumentId it names matches nothing', async () => {
    const body = statusBody(NGHE_AN, '03', '', {
      documentId: `${SAMPLE_EDXML_ID}-renumbered`,
      code: '7816/VPCP-TTĐT',
      promulgationDate: '2019/04/11',
    });
    const { messageId } = await acceptStatus(deps, caller(NGHE_AN), body);
    expect(deps.exchange.pending.get(messageId)?.codeKey).toBe(
      '000.00.00.G22|7816/VPCP-TTĐT|2019-04-11',
    );
    const documentId = await documentArrives();

    expect(historyOf(documentId, NGHE_AN)).toEqual(['03']);
    expect(routesOf(messageId)).toHaveLength(1);
    expect(deps.exchange.pending.size).toBe(0);
  });

  it('applies 05 then 01 by the usual ordering rules', async () => {
    await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '05'));
    deps.clock.advance(1000);
    await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '01'));
    const documentId = await documentArrives();

    expect(historyOf(documentId, NGHE_AN).sort()).toEqual(['01', '05']);
    // 01 came later but does not move a recipient back from 05.
    expect(deps.exchange.progress.get(`${documentId}|${NGHE_AN}`)?.statusCode).toBe('05');
    expect(deps.exchange.pending.size).toBe(0);
  });

  it('drops one from an agency that is not a recipient, keeping why', async () => {
    const { messageId } = await acceptStatus(deps, caller(OUTSIDER), statusBody(OUTSIDER, '03'));
    const documentId = await documentArrives();

    expect(historyOf(documentId, OUTSIDER)).toEqual([]);
    expect(routesOf(messageId)).toEqual([]);
    expect(deps.exchange.pending.get(messageId)).toMatchObject({
      state: 'dropped',
      dropped: { code: 'NOT_A_RECIPIENT', documentId },
    });
    // A retry now meets the document and the usual refusal.
    await expect(
      acceptStatus(deps, caller(OUTSIDER), statusBody(OUTSIDER, '03')),
    ).rejects.toMatchObject({ code: 'NOT_A_RECIPIENT', httpStatus: 403 });
  });

  it('applies once when the apply step runs twice', async () => {
    const { messageId } = await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '05'));
    const documentId = await documentArrives();
    const document = deps.exchange.documents.get(documentId);
    if (!document) throw new Error('test setup: no document');

    const again = await applyPendingStatuses(deps, document);

    expect(again).toEqual({ applied: [], dropped: [] });
    expect(historyOf(documentId, NGHE_AN)).toEqual(['05']);
    expect(deps.exchange.progress.get(`${documentId}|${NGHE_AN}`)?.version).toBe(1);
    expect(routesOf(messageId)).toHaveLength(1);
  });

  it('applies once when verification stops before removing the kept status', async () => {
    const { messageId } = await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '05'));
    const { documentId } = await submitDocument(
      deps,
      caller(GOVERNMENT_OFFICE),
      sample(THREE_PROVINCES_FILE),
    );
    const remove = deps.exchange.removePendingStatus.bind(deps.exchange);
    deps.exchange.removePendingStatus = async () => {
      throw new Error('crash');
    };
    await expect(verifyDocument(deps, { documentId })).rejects.toThrow('crash');
    expect(deps.exchange.documents.get(documentId)?.state).toBe('received');
    deps.exchange.removePendingStatus = remove;

    expect(await verifyDocument(deps, { documentId })).toBe('verified');

    expect(historyOf(documentId, NGHE_AN)).toEqual(['05']);
    // The repeatable 05 moved progress once, not twice.
    expect(deps.exchange.progress.get(`${documentId}|${NGHE_AN}`)?.version).toBe(1);
    expect(deps.exchange.pending.size).toBe(0);
    // Queued again after the crash; delivery skips a message already delivered.
    expect(new Set(routesOf(messageId).map((route) => route.recipientId))).toEqual(
      new Set([GOVERNMENT_OFFICE]),
    );
  });

  it(`refuses more than ${MAX_PENDING_PER_DOCUMENT} kept for one document`, async () => {
    for (let i = 0; i < MAX_PENDING_PER_DOCUMENT; i++) {
      await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '05', ` #${i}`));
    }
    const over = acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '05', ' over'));

    await expect(over).rejects.toMatchObject({
      code: 'TOO_MANY_PENDING_STATUSES',
      httpStatus: 429,
    });
    expect(deps.exchange.pending.size).toBe(MAX_PENDING_PER_DOCUMENT);
    // A retry of one already kept is still answered.
    const retry = await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '05', ' #0'));
    expect(retry).toMatchObject({ pending: true, duplicate: true });
  });

  it.each([
    { name: 'a From the caller may not report for', caller: OUTSIDER, from: NGHE_AN, code: '03' },
    { name: 'a code outside QCVN 102', caller: NGHE_AN, from: NGHE_AN, code: '99' },
  ])('keeps nothing for $name', async ({ caller: id, from, code }) => {
    await expect(acceptStatus(deps, caller(id), statusBody(from, code))).rejects.toMatchObject({
      code: expect.stringMatching(/SENDER_MISMATCH|INVALID_STATUS_CODE/),
    });
    expect(deps.exchange.pending.size).toBe(0);
  });

  it('keeps a take-back request (13) from the sender and sends it to each recipient', async () => {
    // The standard's own 13 names a recipient in ResponseFor; it comes from the sender.
    const takeBack = await acceptStatus(
      deps,
      caller(GOVERNMENT_OFFICE),
      statusBody(GOVERNMENT_OFFICE, '13', '', { documentId: SAMPLE_EDXML_ID }),
    );
    expect(takeBack).toMatchObject({ pending: true, statusCode: '13' });

    const documentId = await documentArrives();

    expect(historyOf(documentId, GOVERNMENT_OFFICE)).toEqual(['13']);
    expect(
      routesOf(takeBack.messageId)
        .map((route) => route.recipientId)
        .sort(),
    ).toEqual([...THREE_PROVINCES].sort());
    // A take-back request moves no one's processing status.
    expect([...deps.exchange.progress.values()]).toEqual([]);
    expect(deps.exchange.pending.size).toBe(0);
  });

  it('applies a kept 13 before its kept answers, and drops an answer with no 13', async () => {
    const early = await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '16', ' early'));
    deps.clock.advance(1_000);
    await acceptStatus(deps, caller(GOVERNMENT_OFFICE), statusBody(GOVERNMENT_OFFICE, '13'));
    deps.clock.advance(1_000);
    const agreed = await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '15'));

    const documentId = await documentArrives();

    expect(historyOf(documentId, NGHE_AN)).toEqual(['15']);
    expect(routesOf(agreed.messageId).map((route) => route.recipientId)).toEqual([
      GOVERNMENT_OFFICE,
    ]);
    expect(deps.exchange.pending.get(early.messageId)).toMatchObject({
      state: 'dropped',
      dropped: { code: 'NO_TAKE_BACK_REQUESTED', documentId },
    });
  });

  it("never applies a 13 from a recipient to the sender's document", async () => {
    // Kept under Nghệ An's own documents: the three-province one is not among them.
    const taken = await acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '13'));
    expect(taken).toMatchObject({ pending: true });
    const documentId = await documentArrives();
    expect(historyOf(documentId, NGHE_AN)).toEqual([]);
    expect(routesOf(taken.messageId)).toEqual([]);
  });

  it('still refuses a status about a document the axis refused', async () => {
    const { documentId } = await submitDocument(
      deps,
      caller(GOVERNMENT_OFFICE),
      sample(THREE_PROVINCES_FILE),
    );
    deps.payloads.objects.set(`documents/${documentId}.edxml`, Buffer.from('changed'));
    expect(await verifyDocument(deps, { documentId })).toBe('rejected');

    await expect(
      acceptStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03')),
    ).rejects.toMatchObject({ code: 'UNKNOWN_DOCUMENT', httpStatus: 422 });
    expect(deps.exchange.pending.size).toBe(0);
  });
});
