import { describe, expect, it } from 'vitest';
import { withAcknowledgements } from '#shared/services/timelineAcknowledgements';
import { CAO_BANG, GOVERNMENT_OFFICE, HAI_PHONG, NGHE_AN } from '../../support/agencies';
import { FakeInbox } from '../../support/fakes';

const DOCUMENT = `doc_${'q'.repeat(26)}`;
const AT = '2026-12-04T10:00:00.000Z';

const line = (agencyId: string, via?: 'inbox' | 'webhook') => ({
  agencyId,
  delivery: via ? { state: 'delivered', via, attempts: 1 } : { state: 'pending' },
  statuses: [],
});

describe('withAcknowledgements', () => {
  it('adds done and failed to inbox lines, without the reason, and leaves the rest', async () => {
    const inbox = new FakeInbox();
    for (const agencyId of [NGHE_AN, CAO_BANG, HAI_PHONG]) {
      await inbox.add({
        agencyId,
        messageId: DOCUMENT,
        kind: 'document',
        documentId: DOCUMENT,
        from: GOVERNMENT_OFFICE,
        enqueuedAt: AT,
      });
    }
    await inbox.acknowledge(NGHE_AN, DOCUMENT, { result: 'done', at: AT });
    await inbox.acknowledge(CAO_BANG, DOCUMENT, { result: 'failed', at: AT, reason: 'riêng' });
    const timeline = {
      documentId: DOCUMENT,
      sender: GOVERNMENT_OFFICE,
      recipients: [
        line(NGHE_AN, 'inbox'),
        line(CAO_BANG, 'inbox'),
        line(HAI_PHONG, 'inbox'),
        line('000.00.00.G06', 'webhook'),
        line('000.00.00.G07'),
      ],
    };

    const shown = await withAcknowledgements(inbox, timeline);

    expect(shown.sender).toBe(GOVERNMENT_OFFICE);
    expect(shown.recipients.map((entry) => entry.delivery)).toEqual([
      {
        state: 'delivered',
        via: 'inbox',
        attempts: 1,
        acknowledgement: { result: 'done', at: AT },
      },
      {
        state: 'delivered',
        via: 'inbox',
        attempts: 1,
        acknowledgement: { result: 'failed', failureCount: 1, lastFailureAt: AT },
      },
      { state: 'delivered', via: 'inbox', attempts: 1 },
      { state: 'delivered', via: 'webhook', attempts: 1 },
      { state: 'pending' },
    ]);
    expect(JSON.stringify(shown)).not.toContain('riêng');
  });
});
