import type { DocumentTimeline } from '#shared/services/documentTimeline';

/** A document's timeline for people: one line for the document, one per recipient. */
export function timelineLines(view: DocumentTimeline): string[] {
  return [
    `${view.documentId} from ${view.sender}: ${view.state} (created ${view.createdAt})`,
    ...view.recipients.map((recipient) => {
      const status = recipient.currentStatus;
      const current = status ? `status ${status.code} at ${status.updatedAt}` : 'no status yet';
      return `  ${recipient.agencyId}: delivery ${recipient.delivery.state}, ${current}`;
    }),
  ];
}
