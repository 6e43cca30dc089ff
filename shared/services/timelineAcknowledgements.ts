import type { InboxStore } from '../domain/ports';
import type { InboxItem } from '../domain/records';

/**
 * What a timeline shows of a pull recipient's acknowledgement. The failure
 * reason is left out: it is the recipient's own text, for operators and the
 * recipient, not for the sender who reads every line of the timeline.
 */
export type AcknowledgementView =
  | { readonly result: 'done'; readonly at: string; readonly failureCount?: number }
  | { readonly result: 'failed'; readonly failureCount: number; readonly lastFailureAt: string };

interface TimelineLine {
  readonly agencyId: string;
  readonly delivery: { readonly state: string; readonly via?: string };
}

/**
 * Adds to each inbox delivery line of a document's timeline what the
 * recipient acknowledged, read from its inbox. Kept apart from the timeline
 * itself, which is built from the exchange table alone; lines delivered by
 * webhook or not delivered yet are left as they are.
 */
export async function withAcknowledgements<
  L extends TimelineLine,
  T extends { readonly documentId: string; readonly recipients: readonly L[] },
>(inbox: InboxStore, timeline: T): Promise<T> {
  const recipients = await Promise.all(
    timeline.recipients.map(async (line): Promise<L> => {
      if (line.delivery.via !== 'inbox') return line;
      const view = viewOf(await inbox.get(line.agencyId, timeline.documentId));
      return view ? { ...line, delivery: { ...line.delivery, acknowledgement: view } } : line;
    }),
  );
  return { ...timeline, recipients };
}

function viewOf(item: InboxItem | undefined): AcknowledgementView | undefined {
  if (item?.acknowledgedAt !== undefined) {
    const failures = item.failureCount ? { failureCount: item.failureCount } : {};
    return { result: 'done', at: item.acknowledgedAt, ...failures };
  }
  if (item?.failureCount && item.lastFailureAt) {
    return { result: 'failed', failureCount: item.failureCount, lastFailureAt: item.lastFailureAt };
  }
  return undefined;
}
