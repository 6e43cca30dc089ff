import type { DemoAgency } from './DemoAgency';

export interface SentDocument {
  readonly documentId: string;
  readonly sender: string;
  readonly recipients: readonly string[];
}

/**
 * What has not arrived yet: each document at each recipient, and each status
 * a recipient reported back at the document's sender. Empty when all is done.
 */
export function missingArrivals(
  sent: readonly SentDocument[],
  agencies: ReadonlyMap<string, DemoAgency>,
): string[] {
  const missing: string[] = [];
  for (const document of sent) {
    const sender = agencies.get(document.sender);
    for (const recipientId of document.recipients) {
      const recipient = agencies.get(recipientId);
      const edxml = recipient?.received.documents.get(document.documentId);
      if (!recipient || !edxml) {
        missing.push(`${document.documentId} at ${recipientId}`);
        continue;
      }
      const expected = recipient.profile.answers.length;
      const arrived =
        sender?.received.statuses.filter(
          (status) =>
            status.from.organId === recipientId &&
            status.responseFor.documentId === edxml.documentId &&
            status.responseFor.organId === document.sender,
        ).length ?? 0;
      if (arrived < expected) {
        missing.push(
          `${expected - arrived} of ${expected} statuses from ${recipientId} at ${document.sender}`,
        );
      }
    }
  }
  return missing;
}
