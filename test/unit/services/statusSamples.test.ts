import { beforeEach, describe, expect, it } from 'vitest';
import { AxisError } from '#shared/domain/AxisError';
import type { Agency } from '#shared/domain/records';
import { documentTimeline } from '#shared/services/documentTimeline';
import { downloadMessage } from '#shared/services/readSide';
import { reportStatus } from '#shared/services/reportStatus';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import {
  CAO_BANG,
  GOVERNMENT_OFFICE,
  HAI_PHONG,
  NGHE_AN,
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

/**
 * The status samples (Nghệ An answering the Government Office's dc0bdef0
 * document, and the Office's own take-back request) through the real services.
 */
const SAMPLES: Record<string, string> = {
  '01': 'status_inbox_01.edxml',
  '02': 'status_rejection_02.edxml',
  '03': 'status_acceptance_03.edxml',
  '04': 'status_assignment_04.edxml',
  '05': 'status_processing_05.edxml',
  '06': 'status_finish_06.edxml',
  '13': 'status_cancellation_13.edxml',
  '15': 'status_change-acceptance_15.edxml',
  '16': 'status_change-rejection_16.edxml',
};

type Deps = ReturnType<typeof fakeDependencies>;
let deps: Deps;
let agencies: Map<string, Registered>;
let documentId: string;

const caller = (id: string): Agency => {
  const found = agencies.get(id);
  if (!found) throw new Error(`test setup: ${id} is not registered`);
  return found.agency;
};

/** A sample's bytes, optionally as another recipient (its first OrganId, the From, swapped). */
function statusSample(code: string, from = NGHE_AN): Buffer {
  const text = sampleText(SAMPLES[code]);
  if (from === NGHE_AN) return sample(SAMPLES[code]);
  return Buffer.from(text.replace(`<edXML:OrganId>${NGHE_AN}<`, `<edXML:OrganId>${from}<`));
}

async function report(code: string, from = NGHE_AN) {
  deps.clock.advance(1_000);
  return reportStatus(deps, caller(from), statusSample(code, from));
}

const progressOf = (agencyId: string) => deps.exchange.progress.get(`${documentId}|${agencyId}`);
const historyOf = (agencyId: string) =>
  [...deps.exchange.statuses.values()]
    .filter((status) => status.agencyId === agencyId)
    .sort((a, b) => a.receivedAt.localeCompare(b.receivedAt))
    .map((status) => status.statusCode);

async function deliverOriginal(bytes: Uint8Array = sample(THREE_PROVINCES_FILE)) {
  const submitted = await submitDocument(deps, caller(GOVERNMENT_OFFICE), bytes);
  await verifyDocument(deps, { documentId: submitted.documentId });
  deps.routeQueue.sent.length = 0;
  return submitted.documentId;
}

beforeEach(async () => {
  deps = fakeDependencies();
  agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, ...THREE_PROVINCES]);
  documentId = await deliverOriginal();
});

describe('the status samples on the normal path', () => {
  it('takes 01, 03, 04, 05, 06 in order and sends each to the sender', async () => {
    for (const code of ['01', '03', '04', '05', '06']) {
      const result = await report(code);
      expect(result).toMatchObject({ documentId, currentStatus: code, duplicate: false });
    }
    expect(historyOf(NGHE_AN)).toEqual(['01', '03', '04', '05', '06']);
    expect(progressOf(NGHE_AN)?.statusCode).toBe('06');
    expect(deps.routeQueue.sent.map((r) => r.recipientId)).toEqual(
      Array(5).fill(GOVERNMENT_OFFICE),
    );
  });

  it('keeps late statuses in the history without moving the current one back', async () => {
    for (const code of ['04', '01', '06', '03', '05']) await report(code);

    expect(historyOf(NGHE_AN)).toEqual(['04', '01', '06', '03', '05']);
    expect(progressOf(NGHE_AN)?.statusCode).toBe('06');
  });

  it('records each sample sent twice once, the repeat changing nothing', async () => {
    for (const code of ['01', '03', '04', '05', '06']) {
      const first = await report(code);
      const before = progressOf(NGHE_AN);
      const again = await report(code);
      expect(again).toMatchObject({ messageId: first.messageId, duplicate: true });
      expect(progressOf(NGHE_AN)).toEqual(before);
    }
    expect(historyOf(NGHE_AN)).toEqual(['01', '03', '04', '05', '06']);
  });

  it('lets 02 end the path after 01 and not after 03', async () => {
    await report('01');
    expect((await report('02')).currentStatus).toBe('02');
    expect((await report('03')).currentStatus).toBe('02');

    await report('03', CAO_BANG);
    expect((await report('02', CAO_BANG)).currentStatus).toBe('03');
    expect(historyOf(CAO_BANG)).toEqual(['03', '02']);
  });

  it('settles racing reports by conditional writes: the furthest one wins', async () => {
    await report('01');
    await Promise.all(['03', '05', '04'].map((code) => report(code)));

    expect(progressOf(NGHE_AN)?.statusCode).toBe('05');
    expect(progressOf(NGHE_AN)?.version).toBeGreaterThanOrEqual(2);
  });
});

describe('take-back: 13 from the sender, 15 and 16 from recipients', () => {
  it('records a 13 and routes it to every recipient, not the sender', async () => {
    const result = await report('13', GOVERNMENT_OFFICE);

    expect(result).toMatchObject({ documentId, statusCode: '13', duplicate: false });
    expect(deps.routeQueue.sent).toEqual(
      THREE_PROVINCES.map((recipientId) => ({
        documentId,
        messageId: result.messageId,
        recipientId,
      })),
    );
    expect(deps.exchange.messages.get(result.messageId)?.to).toEqual([...THREE_PROVINCES]);
    expect(progressOf(GOVERNMENT_OFFICE)).toBeUndefined();
    const read = await downloadMessage(deps, caller(CAO_BANG), result.messageId);
    expect(read.message.statusCode).toBe('13');
  });

  it('routes 15 and 16 to the sender and shows the take-back state in the timeline', async () => {
    await report('03');
    await report('13', GOVERNMENT_OFFICE);
    deps.routeQueue.sent.length = 0;

    const agreed = await report('15');
    const refused = await report('16', CAO_BANG);

    expect(deps.routeQueue.sent).toEqual([
      { documentId, messageId: agreed.messageId, recipientId: GOVERNMENT_OFFICE },
      { documentId, messageId: refused.messageId, recipientId: GOVERNMENT_OFFICE },
    ]);
    // An answer does not move the recipient's processing status.
    expect(agreed.currentStatus).toBe('03');
    expect(progressOf(NGHE_AN)?.statusCode).toBe('03');

    const timeline = await documentTimeline(deps.exchange, caller(GOVERNMENT_OFFICE), documentId);
    expect(timeline.takeBack).toMatchObject({
      state: 'requested',
      agreedBy: [NGHE_AN],
      refusedBy: [CAO_BANG],
      awaiting: [HAI_PHONG],
    });
    expect(timeline.recipients[0].statuses.map((s) => s.statusName)).toEqual([
      'Đã tiếp nhận',
      'Đồng ý cập nhật/lấy lại',
    ]);
    const own = await documentTimeline(deps.exchange, caller(CAO_BANG), documentId);
    expect(own.takeBack).toMatchObject({ agreedBy: [], refusedBy: [CAO_BANG], awaiting: [] });
  });

  it('takes the latest answer of a recipient that changes its mind', async () => {
    await report('13', GOVERNMENT_OFFICE);
    await report('16');
    await report('15');

    const timeline = await documentTimeline(deps.exchange, caller(GOVERNMENT_OFFICE), documentId);
    expect(timeline.takeBack).toMatchObject({ agreedBy: [NGHE_AN], refusedBy: [] });
  });

  it.each(['15', '16'])('refuses %s before any 13 and stores nothing', async (code) => {
    const before = storedCounts(deps);
    const refusal = await report(code).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(AxisError);
    expect(refusal).toMatchObject({ code: 'NO_TAKE_BACK_REQUESTED', httpStatus: 409 });
    expect(storedCounts(deps)).toEqual(before);
  });

  it('refuses a 13 from a recipient', async () => {
    // From becomes Cao Bằng, ResponseFor names the Office's document.
    const body = Buffer.from(
      sampleText(SAMPLES['13'])
        .replace(`<edXML:OrganId>${GOVERNMENT_OFFICE}<`, `<edXML:OrganId>${CAO_BANG}<`)
        .replace(`<edXML:OrganId>${NGHE_AN}<`, `<edXML:OrganId>${GOVERNMENT_OFFICE}<`),
    );
    await expect(reportStatus(deps, caller(CAO_BANG), body)).rejects.toMatchObject({
      code: 'SENDER_MISMATCH',
    });
  });
});

describe('correlation by OrganId, Code and PromulgationDate', () => {
  /** The sample renumbered by its sender, promulgated on the date the statuses quote. */
  const renumbered = () =>
    Buffer.from(
      sampleText(THREE_PROVINCES_FILE)
        .replace(SAMPLE_EDXML_ID, '000.00.00.G22,renumbered,1')
        .replace('<edXML:PromulgationDate>2019/04/11<', '<edXML:PromulgationDate>30/09/2015<'),
    );

  beforeEach(async () => {
    deps = fakeDependencies();
    agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, ...THREE_PROVINCES]);
    documentId = await deliverOriginal(renumbered());
  });

  it('finds the document when no document has the DocumentId the status names', async () => {
    const result = await report('03');

    expect(result).toMatchObject({ documentId, currentStatus: '03' });
    expect(deps.exchange.documents.get(documentId)?.codeKey).toBe(
      '000.00.00.G22|7816/VPCP-TTĐT|2015-09-30',
    );
  });

  it('correlates a take-back request and its answer the same way', async () => {
    expect((await report('13', GOVERNMENT_OFFICE)).documentId).toBe(documentId);
    expect((await report('15')).documentId).toBe(documentId);
  });

  it('refuses a status whose code and date match nothing either', async () => {
    const body = Buffer.from(
      sampleText(SAMPLES['03']).replace(
        '<edXML:PromulgationDate>2015/09/30<',
        '<edXML:PromulgationDate>2015/10/01<',
      ),
    );
    await expect(reportStatus(deps, caller(NGHE_AN), body)).rejects.toMatchObject({
      code: 'UNKNOWN_DOCUMENT',
    });
  });
});
