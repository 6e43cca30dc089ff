import type { DocumentTimeline } from '#shared/services/documentTimeline';

/** A document's timeline as the sender sees it, in lines a person reads. */
export function formatTimeline(timeline: DocumentTimeline): string[] {
  const lines = [
    `Document ${timeline.documentId}  (edXML ${timeline.edxmlDocumentId})`,
    `  sender ${timeline.sender}, ${timeline.size} bytes, sha256 ${timeline.sha256.slice(0, 16)}…`,
    `  envelope signature: ${describeSignature(timeline)}`,
  ];
  if (timeline.state === 'rejected') {
    lines.push(
      `  REFUSED: ${timeline.rejection?.code} - ${timeline.rejection?.message}; ` +
        `signed rejection ${timeline.rejectionMessageId ?? '-'} sent to the sender`,
    );
    return lines;
  }
  lines.push(
    `  ${timeline.state} at ${timeline.verifiedAt ?? timeline.createdAt}; receipt signed by ` +
      `the axis: ${timeline.receipt ? 'yes' : 'no'}`,
  );
  const links = Object.entries(timeline.links ?? {});
  if (links.length > 0) {
    lines.push(`  links: ${links.map(([name, value]) => `${name} ${value}`).join(', ')}`);
  }
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

function describeSignature(timeline: DocumentTimeline): string {
  const found = timeline.signature;
  if (!found) return 'not checked';
  const envelope = found.envelope.reason
    ? `${found.envelope.outcome} (${found.envelope.reason})`
    : found.envelope.outcome;
  if (!found.certificate) return envelope;
  const signer = found.signer?.registered ? 'registered signer' : 'signer NOT registered';
  const warnings =
    found.certificate.warnings.length > 0 ? `, ${found.certificate.warnings.join(', ')}` : '';
  return (
    `${envelope}; certificate ${found.certificate.outcome} via ` +
    `${found.certificate.chain.length} certificates${warnings}; ${signer}`
  );
}
