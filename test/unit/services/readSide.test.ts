import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Agency, InboxItem } from '#shared/domain/records';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { downloadMessage, INBOX_PAGE_MAX, readInbox } from '#shared/services/readSide';
import { reportStatus } from '#shared/services/reportStatus';
import { submitDocument } from '#shared/services/submitDocument';
import { verifyDocument } from '#shared/services/verifyDocument';
import {
  CAO_BANG,
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

beforeEach(async () => {
  deps = fakeDependencies();
  agencies = await registerAgencies(deps, [GOVERNMENT_OFFICE, ...THREE_PROVINCES, OUTSIDER]);
});

function inboxItem(agencyId: string, index: number): InboxItem {
  return {
    agencyId,
    messageId: `doc_${String.fromCharCode(97 + index).repeat(26)}`,
    kind: 'document',
    documentId: `doc_${String.fromCharCode(97 + index).repeat(26)}`,
    from: GOVERNMENT_OFFICE,
    enqueuedAt: '2026-12-04T09:00:00.000Z',
  };
}

describe('readInbox', () => {
  it.each(['0', String(INBOX_PAGE_MAX + 1), 'abc', '1.5', '-1', '', 'Infinity'])(
    'refuses limit %j with INVALID_PARAMETER',
    async (limit) => {
      await expect(readInbox(deps.inbox, caller(NGHE_AN), { limit })).rejects.toMatchObject({
        code: 'INVALID_PARAMETER',
        httpStatus: 400,
      });
    },
  );

  it.each([undefined, '1', '100'])('accepts limit %j', async (limit) => {
    await expect(readInbox(deps.inbox, caller(NGHE_AN), { limit })).resolves.toEqual({
      items: [],
      cursor: undefined,
    });
  });

  it('pages through the caller’s items only, each once', async () => {
    for (let index = 0; index < 5; index++) await deps.inbox.add(inboxItem(NGHE_AN, index));
    await deps.inbox.add(inboxItem(CAO_BANG, 9));

    const seen: string[] = [];
    const sizes: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await readInbox(deps.inbox, caller(NGHE_AN), { limit: '2', cursor });
      sizes.push(page.items.length);
      seen.push(...page.items.map((item) => item.messageId));
      expect(page.items.every((item) => item.agencyId === NGHE_AN)).toBe(true);
      cursor = page.cursor;
    } while (cursor);

    expect(sizes).toEqual([2, 2, 1]);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((index) => inboxItem(NGHE_AN, index).messageId));
  });

  it('answers the default page size when no limit is given', async () => {
    for (let index = 0; index < 3; index++) await deps.inbox.add(inboxItem(NGHE_AN, index));
    const page = await readInbox(deps.inbox, caller(NGHE_AN), {});
    expect(page.items).toHaveLength(3);
    expect(page.cursor).toBeUndefined();
  });
});

describe('downloadMessage', () => {
  let documentId: string;
  let statusId: string;
  const documentBytes = sample(THREE_PROVINCES_FILE);
  let statusBytes: Buffer;

  beforeEach(async () => {
    ({ documentId } = await submitDocument(deps, caller(GOVERNMENT_OFFICE), documentBytes));
    await verifyDocument(deps, { documentId });
    statusBytes = Buffer.from(
      buildStatusMessage({
        from: { organId: NGHE_AN },
        responseFor: { organId: GOVERNMENT_OFFICE, documentId: SAMPLE_EDXML_ID },
        statusCode: '03',
        timestamp: formatEdxmlTimestamp(deps.clock.now()),
      }),
    );
    ({ messageId: statusId } = await reportStatus(deps, caller(NGHE_AN), statusBytes));
  });

  it.each([GOVERNMENT_OFFICE, ...THREE_PROVINCES])(
    'gives %s, sender or recipient, the document’s exact bytes',
    async (agencyId) => {
      const { message, bytes } = await downloadMessage(deps, caller(agencyId), documentId);
      expect(message.messageId).toBe(documentId);
      expect(Buffer.compare(bytes, documentBytes)).toBe(0);
    },
  );

  it.each([GOVERNMENT_OFFICE, NGHE_AN])(
    'gives %s, reporter or document sender, the status’s exact bytes',
    async (agencyId) => {
      const { message, bytes } = await downloadMessage(deps, caller(agencyId), statusId);
      expect(message).toMatchObject({ kind: 'status', documentId, statusCode: '03' });
      expect(Buffer.compare(bytes, statusBytes)).toBe(0);
    },
  );

  it.each([
    ['a third agency, for the document', OUTSIDER, () => documentId],
    ['a third agency, for the status', OUTSIDER, () => statusId],
    ['another recipient, for a status it did not send', CAO_BANG, () => statusId],
    ['a well-formed id that does not exist', GOVERNMENT_OFFICE, () => `doc_${'z'.repeat(26)}`],
    ['a path traversal', GOVERNMENT_OFFICE, () => `../documents/${documentId}.edxml`],
    ['the payload key', GOVERNMENT_OFFICE, () => `documents/${documentId}`],
    ['an empty id', GOVERNMENT_OFFICE, () => ''],
    ['the edXML DocumentId', GOVERNMENT_OFFICE, () => SAMPLE_EDXML_ID],
  ])('answers NOT_FOUND to %s', async (_name, agencyId, id) => {
    await expect(downloadMessage(deps, caller(agencyId), id())).rejects.toMatchObject({
      code: 'NOT_FOUND',
      httpStatus: 404,
    });
  });

  it('does not touch storage for an id that is not an axis id', async () => {
    const lookup = vi.spyOn(deps.exchange, 'getMessage');
    await expect(downloadMessage(deps, caller(NGHE_AN), '../../etc/passwd')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect(lookup).not.toHaveBeenCalled();
  });
});
