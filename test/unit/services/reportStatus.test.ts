import { beforeEach, describe, expect, it } from 'vitest';
import { AxisError } from '#shared/domain/AxisError';
import { sha256Hex, statusMessageIdFor } from '#shared/domain/ids';
import type { Agency } from '#shared/domain/records';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
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
  sampleText,
  storedCounts,
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

/** A status as a recipient's document system writes it, via the axis's own builder. */
function statusBody(
  from: string,
  statusCode: string,
  options: { description?: string; responseForOrgan?: string; responseForId?: string } = {},
): Buffer {
  return Buffer.from(
    buildStatusMessage({
      from: { organId: from, organName: `Agency ${from}` },
      responseFor: {
        organId: options.responseForOrgan ?? GOVERNMENT_OFFICE,
        documentId: options.responseForId ?? SAMPLE_EDXML_ID,
      },
      statusCode,
      description: options.description ?? `status ${statusCode} from ${from}`,
      timestamp: formatEdxmlTimestamp(deps.clock.now()),
    }),
  );
}

const progressOf = (agencyId: string) => deps.exchange.progress.get(`${documentId}|${agencyId}`);
const historyOf = (agencyId: string) =>
  [...deps.exchange.statuses.values()]
    .filter((status) => status.agencyId === agencyId)
    .map((status) => status.statusCode);

beforeEach(async () => {
  deps = fakeDependencies();
  agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, ...THREE_PROVINCES, OUTSIDER]);
  ({ documentId } = await submitDocument(
    deps,
    caller(GOVERNMENT_OFFICE),
    sample(THREE_PROVINCES_FILE),
  ));
  await verifyDocument(deps, { documentId });
  deps.routeQueue.sent.length = 0;
});

describe('reportStatus along the normal path', () => {
  it('records 01, 03, 04, 05, 05, 06, ends at 06 and sends each to the sender', async () => {
    const codes = ['01', '03', '04', '05', '05', '06'];
    const results = [];
    for (const [index, code] of codes.entries()) {
      deps.clock.advance(60_000);
      const body = statusBody(NGHE_AN, code, { description: `step ${index}` });
      const result = await reportStatus(deps, caller(NGHE_AN), body);
      expect(result).toEqual({
        messageId: statusMessageIdFor(NGHE_AN, sha256Hex(body)),
        documentId,
        statusCode: code,
        currentStatus: code,
        duplicate: false,
      });
      const stored = deps.payloads.objects.get(`statuses/${result.messageId}.edxml`);
      expect(Buffer.compare(stored ?? new Uint8Array(), body)).toBe(0);
      expect(deps.exchange.messages.get(result.messageId)).toMatchObject({
        kind: 'status',
        documentId,
        from: NGHE_AN,
        to: [GOVERNMENT_OFFICE],
        statusCode: code,
        sha256: sha256Hex(body),
        size: body.byteLength,
      });
      results.push(result);
    }

    expect(historyOf(NGHE_AN)).toEqual(codes);
    expect(progressOf(NGHE_AN)).toMatchObject({ statusCode: '06', version: 6 });
    expect(deps.routeQueue.sent).toEqual(
      results.map(({ messageId }) => ({ documentId, messageId, recipientId: GOVERNMENT_OFFICE })),
    );
    expect(historyOf(CAO_BANG)).toEqual([]);
    expect(progressOf(CAO_BANG)).toBeUndefined();
  });

  it('keeps a late 03 after 05 in history without moving the current status back', async () => {
    await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '01'));
    await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '05'));

    const late = await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03'));

    expect(late).toMatchObject({ statusCode: '03', currentStatus: '05', duplicate: false });
    expect(historyOf(NGHE_AN)).toEqual(['01', '05', '03']);
    expect(progressOf(NGHE_AN)?.statusCode).toBe('05');
    expect(deps.routeQueue.sent).toHaveLength(3);
  });

  it('ends the path at 02 after 01: a later 03 is kept but does not move it', async () => {
    await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '01'));
    const refused = await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '02'));
    const after = await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03'));

    expect(refused.currentStatus).toBe('02');
    expect(after).toMatchObject({ statusCode: '03', currentStatus: '02' });
    expect(historyOf(NGHE_AN)).toEqual(['01', '02', '03']);
    expect(progressOf(NGHE_AN)?.statusCode).toBe('02');
  });

  it('does not let 02 undo an acceptance (03)', async () => {
    await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03'));
    const late = await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '02'));
    expect(late.currentStatus).toBe('03');
  });

  it('keeps each recipient on its own path', async () => {
    await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '06'));
    const other = await reportStatus(deps, caller(CAO_BANG), statusBody(CAO_BANG, '01'));
    expect(other.currentStatus).toBe('01');
    expect(progressOf(NGHE_AN)?.statusCode).toBe('06');
    expect(progressOf(CAO_BANG)?.statusCode).toBe('01');
  });

  it.each([
    ['status_inbox_01.edxml', '01'],
    ['status_rejection_02.edxml', '02'],
    ['status_acceptance_03.edxml', '03'],
    ['status_assignment_04.edxml', '04'],
    ['status_processing_05.edxml', '05'],
    ['status_finish_06.edxml', '06'],
  ])('accepts the sample %s from Nghệ An as %s', async (file, code) => {
    const body = sample(file);
    const result = await reportStatus(deps, caller(NGHE_AN), body);
    expect(result).toMatchObject({ documentId, statusCode: code, currentStatus: code });
    const recorded = deps.exchange.statuses.get(`${documentId}|${result.messageId}`);
    expect(recorded?.reportedAt).toMatch(/^\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}$/);
    expect(recorded?.description).toBeTruthy();
  });

  it('delivers a status to the sender through its inbox, with its code', async () => {
    const result = await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03'));
    const [request] = deps.routeQueue.sent;

    await routeMessage({ ...deps, maxReceiveCount: 5, leaseMs: 15_000 }, request, 1);

    expect(deps.inbox.items.get(`${GOVERNMENT_OFFICE}|${result.messageId}`)).toMatchObject({
      kind: 'status',
      statusCode: '03',
      documentId,
      from: NGHE_AN,
    });
  });
});

describe('reportStatus of the same bytes again', () => {
  it('answers duplicate and leaves the history as it was', async () => {
    const body = statusBody(NGHE_AN, '03');
    const first = await reportStatus(deps, caller(NGHE_AN), body);
    deps.clock.advance(60_000);

    const again = await reportStatus(deps, caller(NGHE_AN), body);

    expect(again).toEqual({ ...first, duplicate: true });
    expect(historyOf(NGHE_AN)).toEqual(['03']);
    expect(deps.exchange.statuses.get(`${documentId}|${first.messageId}`)?.receivedAt).toBe(
      '2026-12-04T09:00:00.000Z',
    );
    expect(deps.payloads.objects.size).toBe(2);
  });

  it('keeps the time the message record says it was first received', async () => {
    const body = statusBody(NGHE_AN, '03');
    const first = await reportStatus(deps, caller(NGHE_AN), body);
    deps.clock.advance(60_000);

    await reportStatus(deps, caller(NGHE_AN), body);

    expect(deps.exchange.messages.get(first.messageId)?.createdAt).toBe('2026-12-04T09:00:00.000Z');
  });

  it('does not move a repeatable 05 again when the same 05 is retried', async () => {
    const body = statusBody(NGHE_AN, '05');
    await reportStatus(deps, caller(NGHE_AN), body);
    const before = progressOf(NGHE_AN);
    deps.clock.advance(60_000);

    const again = await reportStatus(deps, caller(NGHE_AN), body);

    expect(again.duplicate).toBe(true);
    expect(progressOf(NGHE_AN)).toEqual(before);
  });
});

describe('reportStatus refusals store nothing', () => {
  it.each([
    {
      name: 'a status whose From is another recipient',
      caller: CAO_BANG,
      body: () => statusBody(NGHE_AN, '03'),
      code: 'SENDER_MISMATCH',
      status: 403,
    },
    {
      name: 'a code outside QCVN 102 (99)',
      caller: NGHE_AN,
      body: () => statusBody(NGHE_AN, '99'),
      code: 'INVALID_STATUS_CODE',
      status: 400,
    },
    {
      name: 'a code that is not two digits',
      caller: NGHE_AN,
      body: () =>
        Buffer.from(
          sampleText('status_acceptance_03.edxml').replace(
            '<edXML:StatusCode>03<',
            '<edXML:StatusCode>3a<',
          ),
        ),
      code: 'INVALID_STATUS_CODE',
      status: 400,
    },
    {
      name: 'a take-back request (13) from a recipient',
      caller: NGHE_AN,
      body: () => statusBody(NGHE_AN, '13'),
      code: 'SENDER_MISMATCH',
      status: 403,
    },
    ...['15', '16'].map((code) => ({
      name: `an answer (${code}) to a take-back request never sent`,
      caller: NGHE_AN,
      body: () => statusBody(NGHE_AN, code),
      code: 'NO_TAKE_BACK_REQUESTED',
      status: 409,
    })),
    {
      name: 'a status for a DocumentId the sender never sent',
      caller: NGHE_AN,
      body: () => statusBody(NGHE_AN, '03', { responseForId: '000.00.00.G22,2015/09/30,1/X' }),
      code: 'UNKNOWN_DOCUMENT',
      status: 422,
    },
    {
      name: 'a status naming the wrong original sender',
      caller: NGHE_AN,
      body: () => statusBody(NGHE_AN, '03', { responseForOrgan: CAO_BANG }),
      code: 'UNKNOWN_DOCUMENT',
      status: 422,
    },
    {
      name: 'a status from a registered agency that was not a recipient',
      caller: OUTSIDER,
      body: () => statusBody(OUTSIDER, '03'),
      code: 'NOT_A_RECIPIENT',
      status: 403,
    },
    {
      name: 'a status about its own document from the sender',
      caller: GOVERNMENT_OFFICE,
      body: () => statusBody(GOVERNMENT_OFFICE, '01'),
      code: 'NOT_A_RECIPIENT',
      status: 403,
    },
    {
      name: 'a document posted as a status',
      caller: GOVERNMENT_OFFICE,
      body: () => sample(THREE_PROVINCES_FILE),
      code: 'DOCUMENT_SENT_AS_STATUS',
      status: 400,
    },
    {
      name: 'bytes that are not XML',
      caller: NGHE_AN,
      body: () => Buffer.from('03'),
      code: 'NOT_XML',
      status: 400,
    },
  ])('refuses $name with $code', async ({ caller: id, body, code, status }) => {
    const before = storedCounts(deps);
    const attempt = reportStatus(deps, caller(id), body());
    await expect(attempt).rejects.toBeInstanceOf(AxisError);
    await expect(attempt).rejects.toMatchObject({ code, httpStatus: status });
    expect(storedCounts(deps)).toEqual(before);
  });

  it('refuses a status about a document whose verification rejected it', async () => {
    const { documentId: rejectedId } = await submitDocument(
      deps,
      caller(GOVERNMENT_OFFICE),
      Buffer.from(variantWithout(HAI_PHONG)),
    );
    deps.exchange.documents.delete(documentId);
    deps.payloads.objects.set(`documents/${rejectedId}.edxml`, Buffer.from('changed'));
    await verifyDocument(deps, { documentId: rejectedId });
    const before = storedCounts(deps);

    const attempt = reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03'));

    await expect(attempt).rejects.toMatchObject({ code: 'UNKNOWN_DOCUMENT' });
    expect(storedCounts(deps)).toEqual(before);
  });
});

/** The three-province sample sent again under the same DocumentId, minus one recipient. */
function variantWithout(organId: string): string {
  const text = sampleText(THREE_PROVINCES_FILE);
  const at = text.indexOf(`<edXML:OrganId>${organId}</edXML:OrganId>`);
  const start = text.lastIndexOf('<edXML:To>', at);
  const end = text.indexOf('</edXML:To>', at) + '</edXML:To>'.length;
  return text.slice(0, start) + text.slice(end);
}

describe('reportStatus when the sender reuses an edXML DocumentId', () => {
  it('finds the document the caller received, not a newer one sent to others', async () => {
    deps.clock.advance(60_000);
    const later = Buffer.from(variantWithout(NGHE_AN));
    const { documentId: laterId } = await submitDocument(deps, caller(GOVERNMENT_OFFICE), later);
    await verifyDocument(deps, { documentId: laterId });
    expect(deps.exchange.documents.get(laterId)?.recipients).toEqual([CAO_BANG, HAI_PHONG]);

    const result = await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03'));

    expect(result).toMatchObject({ documentId, currentStatus: '03' });
  });

  it('finds the delivered document when a newer one was rejected', async () => {
    deps.clock.advance(60_000);
    const later = Buffer.from(variantWithout(HAI_PHONG));
    const { documentId: laterId } = await submitDocument(deps, caller(GOVERNMENT_OFFICE), later);
    deps.payloads.objects.set(`documents/${laterId}.edxml`, Buffer.from('changed'));
    await verifyDocument(deps, { documentId: laterId });
    expect(deps.exchange.documents.get(laterId)?.state).toBe('rejected');

    const result = await reportStatus(deps, caller(NGHE_AN), statusBody(NGHE_AN, '03'));

    expect(result).toMatchObject({ documentId, currentStatus: '03' });
  });
});

describe('reportStatus for a document sent for a unit', () => {
  const UNIT = `${GOVERNMENT_OFFICE}.01`;
  const UNIT_DOCUMENT_ID = `${UNIT},2026/12/04,42/UBND`;
  let unitDocumentId: string;

  beforeEach(async () => {
    const again = await registerAgencies(deps, [{ agencyId: GOVERNMENT_OFFICE, sendsFor: [UNIT] }]);
    agencies.set(GOVERNMENT_OFFICE, again.get(GOVERNMENT_OFFICE) as Registered);
    const text = sampleText(THREE_PROVINCES_FILE)
      .replace(
        `<edXML:OrganId>${GOVERNMENT_OFFICE}</edXML:OrganId>`,
        `<edXML:OrganId>${UNIT}</edXML:OrganId>`,
      )
      .replace(
        `<edXML:DocumentId>${SAMPLE_EDXML_ID}</edXML:DocumentId>`,
        `<edXML:DocumentId>${UNIT_DOCUMENT_ID}</edXML:DocumentId>`,
      );
    ({ documentId: unitDocumentId } = await submitDocument(
      deps,
      caller(GOVERNMENT_OFFICE),
      Buffer.from(text),
    ));
    await verifyDocument(deps, { documentId: unitDocumentId });
    deps.routeQueue.sent.length = 0;
  });

  it('finds it by the From/OrganId it carried and sends the status to its sender', async () => {
    const body = statusBody(NGHE_AN, '03', {
      responseForOrgan: UNIT,
      responseForId: UNIT_DOCUMENT_ID,
    });

    const result = await reportStatus(deps, caller(NGHE_AN), body);

    expect(result).toMatchObject({ documentId: unitDocumentId, currentStatus: '03' });
    expect(deps.exchange.messages.get(result.messageId)).toMatchObject({
      from: NGHE_AN,
      to: [GOVERNMENT_OFFICE],
    });
    expect(deps.routeQueue.sent).toEqual([
      { documentId: unitDocumentId, messageId: result.messageId, recipientId: GOVERNMENT_OFFICE },
    ]);
  });

  it('does not find it under the agency that submitted it', async () => {
    const before = storedCounts(deps);
    const body = statusBody(NGHE_AN, '03', {
      responseForOrgan: GOVERNMENT_OFFICE,
      responseForId: UNIT_DOCUMENT_ID,
    });

    const attempt = reportStatus(deps, caller(NGHE_AN), body);

    await expect(attempt).rejects.toMatchObject({ code: 'UNKNOWN_DOCUMENT', httpStatus: 422 });
    expect(storedCounts(deps)).toEqual(before);
  });
});
