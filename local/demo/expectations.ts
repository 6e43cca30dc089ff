import { parseDocument } from '#shared/edxml/parseEdxml';
import type { DemoAgency } from './DemoAgency';
import { type DemoDocument, NATIONAL_AGENCY, NATIONAL_ANSWERS } from './scenario';

export interface SentDocument extends DemoDocument {
  readonly documentId: string;
  readonly recipients: readonly string[];
  readonly bytes: Uint8Array;
}

/** What the national axis simulator's agency has received, as the demo reads it. */
export interface NationalMailbox {
  readonly documents: readonly Uint8Array[];
}

/**
 * What has not arrived yet: each document at each recipient (an agency of
 * this axis, or the national agency's mailbox on the simulator), and each
 * status a recipient reported back at the document's sender. Recipients in
 * `except` are left out. Empty when all is done.
 */
export function missingArrivals(
  sent: readonly SentDocument[],
  agencies: ReadonlyMap<string, DemoAgency>,
  national: NationalMailbox,
  except: readonly string[] = [],
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
    const edxml = parseDocument(document.bytes);
    for (const recipientId of document.recipients.filter((id) => !except.includes(id))) {
      const arrivedHere =
        recipientId === NATIONAL_AGENCY.agencyId
          ? national.documents.some((bytes) => Buffer.from(bytes).equals(document.bytes))
          : agencies.get(recipientId)?.received.documents.has(document.documentId) === true;
      if (!arrivedHere) {
        missing.push(`${document.documentId} at ${recipientId}`);
        continue;
      }
      const expected =
        recipientId === NATIONAL_AGENCY.agencyId
          ? edxml.businessDocType === 0
            ? NATIONAL_ANSWERS.new
            : NATIONAL_ANSWERS.revision
          : (agencies.get(recipientId)?.profile.answers.length ?? 0);
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
