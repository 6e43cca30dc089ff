import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoInboxStore } from '#shared/adapters/dynamodb/DynamoInboxStore';
import { AxisError } from '#shared/domain/AxisError';
import { documentIdFor, statusMessageIdFor } from '#shared/domain/ids';
import type { InboxItem } from '#shared/domain/records';
import type { ProvisionedAxis } from '../../../local/provision';
import { CAO_BANG, GOVERNMENT_OFFICE, HAI_PHONG, NGHE_AN } from '../../support/agencies';
import { provisionTestAxis } from '../../support/testAxis';

let axis: ProvisionedAxis;
let store: DynamoInboxStore;

beforeAll(async () => {
  axis = await provisionTestAxis('inbox-store');
  store = new DynamoInboxStore(axis.tables.inbox);
});

afterAll(async () => {
  await axis?.teardown();
});

const nonce = () => randomBytes(16).toString('hex');

function item(agencyId: string, overrides: Partial<InboxItem> = {}): InboxItem {
  const documentId = documentIdFor(GOVERNMENT_OFFICE, nonce());
  return {
    agencyId,
    messageId: documentId,
    kind: 'document',
    documentId,
    from: GOVERNMENT_OFFICE,
    enqueuedAt: '2026-12-04T09:00:00.000Z',
    ...overrides,
  };
}

/** Walks every page, at most `maxPages`, and returns the pages' items. */
async function allPages(agencyId: string, limit: number, maxPages = 50) {
  const pages: InboxItem[][] = [];
  let cursor: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const listed = await store.list(agencyId, { limit, cursor });
    pages.push(listed.items);
    cursor = listed.cursor;
    if (!cursor) return pages;
  }
  throw new Error(`more than ${maxPages} pages for ${agencyId}`);
}

describe('DynamoInboxStore', () => {
  it('adds a message once: a second add is "exists" and keeps one item', async () => {
    const agency = `${NGHE_AN}.once`;
    const first = item(agency);
    expect(await store.add(first)).toBe('created');
    expect(await store.add({ ...first, enqueuedAt: '2027-01-01T00:00:00.000Z' })).toBe('exists');

    const { items, cursor } = await store.list(agency, { limit: 10 });
    expect(items).toEqual([first]);
    expect(cursor).toBeUndefined();
  });

  it('pages through more items than one page holds, each exactly once', async () => {
    const agency = `${CAO_BANG}.pages`;
    const added: InboxItem[] = [];
    for (let i = 0; i < 7; i++) {
      const next =
        i % 2 === 0
          ? item(agency)
          : item(agency, {
              kind: 'status',
              messageId: statusMessageIdFor(HAI_PHONG, nonce()),
              from: HAI_PHONG,
              statusCode: '03',
            });
      added.push(next);
      expect(await store.add(next)).toBe('created');
    }

    const pages = await allPages(agency, 3);

    const nonEmpty = pages.filter((page) => page.length > 0);
    expect(nonEmpty.length).toBeGreaterThanOrEqual(3);
    for (const page of pages) expect(page.length).toBeLessThanOrEqual(3);
    const listed = pages.flat();
    const byId = (a: InboxItem, b: InboxItem) => a.messageId.localeCompare(b.messageId);
    expect([...listed].sort(byId)).toEqual([...added].sort(byId));
  });

  it.each([
    ['not base64 of anything the axis hands out', 'definitely-not-a-cursor'],
    [
      'a table key spelled out',
      Buffer.from('{"agencyId":"x","messageId":"y"}').toString('base64url'),
    ],
    [
      'an id of the wrong shape',
      Buffer.from('doc_UPPERCASE0000000000000000').toString('base64url'),
    ],
    [
      'an id with something after it',
      Buffer.from(`${documentIdFor('a', 'b')}#x`).toString('base64url'),
    ],
  ])('refuses a forged cursor (%s) with INVALID_PARAMETER', async (_, cursor) => {
    const listing = store.list(`${NGHE_AN}.forged`, { limit: 5, cursor });
    await expect(listing).rejects.toBeInstanceOf(AxisError);
    await expect(listing).rejects.toMatchObject({ code: 'INVALID_PARAMETER', httpStatus: 400 });
  });

  it("never lists one agency's items for another, even with the other's cursor", async () => {
    const alice = `${HAI_PHONG}.alice`;
    const bob = `${HAI_PHONG}.bob`;
    const alices = [item(alice), item(alice), item(alice)];
    const bobs = [item(bob), item(bob), item(bob), item(bob)];
    for (const entry of [...alices, ...bobs]) await store.add(entry);

    const aliceListed = (await allPages(alice, 2)).flat();
    expect(aliceListed.map((entry) => entry.messageId).sort()).toEqual(
      alices.map((entry) => entry.messageId).sort(),
    );
    expect(aliceListed.every((entry) => entry.agencyId === alice)).toBe(true);

    // A cursor Bob was handed names one of Bob's messages; Alice presenting it
    // must still only ever see Alice's partition.
    const bobFirst = await store.list(bob, { limit: 1 });
    expect(bobFirst.cursor).toBeDefined();
    const crossed = await store.list(alice, { limit: 10, cursor: bobFirst.cursor });
    const bobIds = new Set(bobs.map((entry) => entry.messageId));
    expect(crossed.items.every((entry) => entry.agencyId === alice)).toBe(true);
    expect(crossed.items.some((entry) => bobIds.has(entry.messageId))).toBe(false);
  });

  it('lists nothing for an agency with an empty inbox', async () => {
    expect(await store.list(`${NGHE_AN}.empty`, { limit: 10 })).toEqual({ items: [] });
  });
});

describe('DynamoInboxStore acknowledgements', () => {
  const AT = '2026-12-04T10:00:00.000Z';
  /** AT plus 30 days, in epoch seconds: what the service computes for a done item. */
  const EXPIRES_AT = Date.parse(AT) / 1000 + 30 * 86_400;
  const DONE = { result: 'done', at: AT, expiresAt: EXPIRES_AT } as const;

  it('drops a done item from the listing, keeps its record, answers a repeat alike', async () => {
    const agency = `${NGHE_AN}.done`;
    const [done, kept] = [item(agency), item(agency)];
    for (const entry of [done, kept]) await store.add(entry);

    const first = await store.acknowledge(agency, done.messageId, DONE);
    const again = await store.acknowledge(agency, done.messageId, {
      result: 'done',
      at: '2026-12-04T11:00:00.000Z',
      expiresAt: EXPIRES_AT + 3600,
    });

    expect(first).toEqual({ ...done, acknowledgedAt: AT, result: 'done', expiresAt: EXPIRES_AT });
    expect(again).toEqual(first);
    expect((await store.list(agency, { limit: 10 })).items).toEqual([kept]);
    // The message is not queued again if routing repeats itself.
    expect(await store.add(done)).toBe('exists');
    expect((await store.list(agency, { limit: 10 })).items).toEqual([kept]);
  });

  it('keeps a failed item listed, counting failures and keeping the last reason', async () => {
    const agency = `${NGHE_AN}.failed`;
    const failing = item(agency);
    await store.add(failing);

    await store.acknowledge(agency, failing.messageId, {
      result: 'failed',
      at: AT,
      reason: 'không mở được tệp',
    });
    const second = await store.acknowledge(agency, failing.messageId, {
      result: 'failed',
      at: '2026-12-04T10:05:00.000Z',
      reason: 'vẫn lỗi',
    });
    const third = await store.acknowledge(agency, failing.messageId, {
      result: 'failed',
      at: '2026-12-04T10:10:00.000Z',
    });

    expect(second).toMatchObject({ failureCount: 2, lastFailureReason: 'vẫn lỗi' });
    expect(third).toEqual({
      ...failing,
      failureCount: 3,
      lastFailureAt: '2026-12-04T10:10:00.000Z',
    });
    expect((await store.list(agency, { limit: 10 })).items).toEqual([third]);

    const done = await store.acknowledge(agency, failing.messageId, DONE);
    const late = await store.acknowledge(agency, failing.messageId, { result: 'failed', at: AT });
    expect(late).toEqual(done);
    expect(late).toMatchObject({ result: 'done', failureCount: 3 });
  });

  it('writes the TTL attribute on a done item only, never on a failed one', async () => {
    const agency = `${NGHE_AN}.expiry`;
    const [finished, failing] = [item(agency), item(agency)];
    for (const entry of [finished, failing]) await store.add(entry);

    await store.acknowledge(agency, finished.messageId, DONE);
    await store.acknowledge(agency, failing.messageId, { result: 'failed', at: AT, reason: 'x' });

    // Read back as stored, not as the update answered.
    expect((await store.get(agency, finished.messageId))?.expiresAt).toBe(EXPIRES_AT);
    const failed = await store.get(agency, failing.messageId);
    expect(failed).toMatchObject({ failureCount: 1 });
    expect(failed).not.toHaveProperty('expiresAt');
  });

  it("answers undefined for an item absent from the agency's inbox, creating nothing", async () => {
    const owner = `${CAO_BANG}.owner`;
    const stranger = `${CAO_BANG}.stranger`;
    const owned = item(owner);
    await store.add(owned);

    expect(await store.acknowledge(stranger, owned.messageId, DONE)).toBe(undefined);
    expect(
      await store.acknowledge(stranger, owned.messageId, { result: 'failed', at: AT }),
    ).toBeUndefined();
    expect(await store.list(stranger, { limit: 10 })).toEqual({ items: [] });
    expect((await store.list(owner, { limit: 10 })).items).toEqual([owned]);
  });

  it('fills pages past many done items, and still lists every pending one', async () => {
    const agency = `${HAI_PHONG}.mostly-done`;
    const all = Array.from({ length: 12 }, () => item(agency));
    for (const entry of all) await store.add(entry);
    const sorted = [...all].sort((a, b) => a.messageId.localeCompare(b.messageId));
    const pendingIds = [sorted[4], sorted[11]].map((entry) => entry?.messageId);
    for (const entry of sorted) {
      if (!pendingIds.includes(entry.messageId)) {
        await store.acknowledge(agency, entry.messageId, DONE);
      }
    }

    const first = await store.list(agency, { limit: 2 });
    expect(first.items.map((entry) => entry.messageId)).toEqual(pendingIds);
    const listed = (await allPages(agency, 1)).flat().map((entry) => entry.messageId);
    expect(listed).toEqual(pendingIds);
  });
});
