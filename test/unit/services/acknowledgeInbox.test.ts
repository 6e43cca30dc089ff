import { beforeEach, describe, expect, it } from 'vitest';
import type { AxisError } from '#shared/domain/AxisError';
import type { Agency, InboxItem } from '#shared/domain/records';
import {
  ACK_REASON_MAX,
  acknowledgeInboxItem,
  parseAcknowledgement,
} from '#shared/services/acknowledgeInbox';
import { readInbox } from '#shared/services/readSide';
import { GOVERNMENT_OFFICE, NGHE_AN, OUTSIDER } from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

type Deps = ReturnType<typeof fakeDependencies>;

let deps: Deps;
const agency = (agencyId: string) => ({ agencyId }) as Agency;
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

function item(letter: string): InboxItem {
  const id = `doc_${letter.repeat(26)}`;
  return {
    agencyId: NGHE_AN,
    messageId: id,
    kind: 'document',
    documentId: id,
    from: GOVERNMENT_OFFICE,
    enqueuedAt: '2026-12-04T08:00:00.000Z',
  };
}

const pending = async (agencyId = NGHE_AN) =>
  (await readInbox(deps.inbox, agency(agencyId), {})).items.map((listed) => listed.messageId);

const FIRST = item('a');
const SECOND = item('b');

beforeEach(async () => {
  deps = fakeDependencies();
  await deps.inbox.add(FIRST);
  await deps.inbox.add(SECOND);
});

describe('parseAcknowledgement', () => {
  it('reads done, and failed with or without a reason', () => {
    expect(parseAcknowledgement(json({ result: 'done' }))).toEqual({ result: 'done' });
    expect(parseAcknowledgement(json({ result: 'failed' }))).toEqual({ result: 'failed' });
    const reason = 'thiếu tệp đính kèm';
    expect(parseAcknowledgement(json({ result: 'failed', reason }))).toEqual({
      result: 'failed',
      reason,
    });
  });

  it('accepts a reason of exactly the limit, counted in characters', () => {
    const reason = 'đ'.repeat(ACK_REASON_MAX);
    expect(parseAcknowledgement(json({ result: 'failed', reason }))).toEqual({
      result: 'failed',
      reason,
    });
  });

  it.each([
    ['no body', ''],
    ['not JSON', '{result:done}'],
    ['an array', '[]'],
    ['null', 'null'],
    ['no result', '{}'],
    ['an unknown result', '{"result":"ok"}'],
    ['a reason with done', '{"result":"done","reason":"x"}'],
    ['a reason that is not text', '{"result":"failed","reason":42}'],
    ['an unknown field', '{"result":"done","at":"now"}'],
    ['a reason too long', JSON.stringify({ result: 'failed', reason: 'x'.repeat(201) })],
  ])('refuses %s with INVALID_PARAMETER', (_name, body) => {
    expect(() => parseAcknowledgement(Buffer.from(body))).toThrowError(
      expect.objectContaining({ code: 'INVALID_PARAMETER' }),
    );
  });

  it('never repeats the reason in its refusal', () => {
    const reason = `secret ${'x'.repeat(ACK_REASON_MAX)}`;
    try {
      parseAcknowledgement(json({ result: 'failed', reason }));
      expect.unreachable();
    } catch (error) {
      expect((error as AxisError).message).not.toContain('secret');
    }
  });
});

describe('acknowledgeInboxItem', () => {
  it('leaves an item nobody acknowledged pending, offered on every listing', async () => {
    expect(await pending()).toEqual([FIRST.messageId, SECOND.messageId]);
    expect(await pending()).toEqual([FIRST.messageId, SECOND.messageId]);
  });

  it('takes an item acknowledged as done out of the listing and keeps the record', async () => {
    const answer = await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, {
      result: 'done',
    });

    expect(answer).toMatchObject({ result: 'done', acknowledgedAt: '2026-12-04T09:00:00.000Z' });
    expect(await pending()).toEqual([SECOND.messageId]);
    expect(deps.inbox.items.get(`${NGHE_AN}|${FIRST.messageId}`)).toMatchObject({
      result: 'done',
    });
  });

  it('answers a second done with the same outcome', async () => {
    const first = await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, {
      result: 'done',
    });
    deps.clock.advance(60_000);
    const second = await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, {
      result: 'done',
    });
    expect(second).toEqual(first);
  });

  it('keeps a failed item pending and counts each failure with its last reason', async () => {
    await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, {
      result: 'failed',
      reason: 'chữ ký không hợp lệ',
    });
    deps.clock.advance(60_000);
    const answer = await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, {
      result: 'failed',
    });

    expect(answer).toMatchObject({ failureCount: 2, lastFailureAt: '2026-12-04T09:01:00.000Z' });
    expect(answer.lastFailureReason).toBeUndefined();
    const listed = (await readInbox(deps.inbox, agency(NGHE_AN), {})).items;
    expect(listed[0]).toMatchObject({ messageId: FIRST.messageId, failureCount: 2 });
  });

  it('lets a failed item be done later, and a done one is not reopened by failed', async () => {
    await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, { result: 'failed' });
    await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, { result: 'done' });
    const after = await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, {
      result: 'failed',
      reason: 'late',
    });

    expect(after).toMatchObject({ result: 'done', failureCount: 1 });
    expect(await pending()).toEqual([SECOND.messageId]);
  });

  it('sets a done item to expire the retention after its acknowledgement', async () => {
    const answer = await acknowledgeInboxItem(
      { ...deps, inboxRetentionDays: 7 },
      agency(NGHE_AN),
      FIRST.messageId,
      { result: 'done' },
    );

    const expected = Date.parse('2026-12-04T09:00:00.000Z') / 1000 + 7 * 24 * 60 * 60;
    expect(answer.expiresAt).toBe(expected);
    expect(deps.inbox.items.get(`${NGHE_AN}|${FIRST.messageId}`)?.expiresAt).toBe(expected);
  });

  it('never sets an expiry on a failed item: it is still pending', async () => {
    const answer = await acknowledgeInboxItem(deps, agency(NGHE_AN), FIRST.messageId, {
      result: 'failed',
      reason: 'thiếu tệp',
    });

    expect(answer).toMatchObject({ failureCount: 1 });
    expect(answer).not.toHaveProperty('expiresAt');
  });

  it.each([
    ['in another agency’s inbox', OUTSIDER, FIRST.messageId],
    ['that does not exist', NGHE_AN, `doc_${'z'.repeat(26)}`],
    ['that is not an axis id', NGHE_AN, '../etc'],
  ])('answers NOT_FOUND for an item %s', async (_name, agencyId, messageId) => {
    await expect(
      acknowledgeInboxItem(deps, agency(agencyId), messageId, { result: 'done' }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await pending()).toEqual([FIRST.messageId, SECOND.messageId]);
  });
});
