import type { DocumentTimeline } from '../../shared/services/documentTimeline';

/** A document's timeline as the sender sees it, in lines a person reads. */
export function formatTimeline(timeline: DocumentTimeline): string[] {
  const lines = [
    `Document ${timeline.documentId}  (edXML ${timeline.edxmlDocumentId})`,
    `  sender ${timeline.sender}, ${timeline.size} bytes, sha256 ${timeline.sha256.slice(0, 16)}…`,
    `  ${timeline.state} at ${timeline.verifiedAt ?? timeline.createdAt}; envelope signature: ` +
      `${timeline.signature ?? 'not checked'}; receipt signed by the axis: ` +
      `${timeline.receipt ? 'yes' : 'no'}`,
  ];
  for (const recipient of timeline.recipients) {
    const delivery = recipient.delivery;
    const how =
      delivery.state === 'pending'
        ? 'pending'
        : `${delivery.state} via ${delivery.via ?? '-'} after ${delivery.attempts} attempt(s)`;
    const current = recipient.currentStatus
      ? `${recipient.currentStatus.code} ${recipient.currentStatus.name ?? ''}`
      : 'none yet';
    lines.push(`  → ${recipient.agencyId}: ${how}; current status ${current}`);
    for (const status of recipient.statuses) {
      const back = status.deliveryToSender.state;
      lines.push(
        `      ${status.statusCode} ${(status.statusName ?? '').padEnd(18)} ` +
          `reported ${status.reportedAt ?? '-'}  → sender: ${back}`,
      );
    }
  }
  return lines;
}
