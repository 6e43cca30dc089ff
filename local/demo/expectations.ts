import type { DemoAgency } from './DemoAgency';
import type { DemoDocument } from './scenario';

export interface SentDocument extends DemoDocument {
  readonly documentId: string;
  readonly recipients: readonly string[];
  readonly bytes: Uint8Array;
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
    if (document.expect === 'refused') {
      if (!sender?.received.rejections.has(document.documentId)) {
        missing.push(`the signed rejection of ${document.documentId} at ${document.sender}`);
      }
      continue;
    }
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

/** Deliveries that must never have happened: a refused document at any recipient. */
export function forbiddenArrivals(
  sent: readonly SentDocument[],
  agencies: ReadonlyMap<string, DemoAgency>,
): string[] {
  return sent
    .filter((document) => document.expect === 'refused')
    .flatMap((document) =>
      document.recipients
        .filter((id) => agencies.get(id)?.received.documents.has(document.documentId))
        .map((id) => `refused ${document.documentId} reached ${id}`),
    );
}
