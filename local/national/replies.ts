import { statusInfo } from '#shared/domain/statusCodes';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import type { EdxmlDocument } from '#shared/edxml/types';

/** A simulated agency, as its statuses name it in `From`. */
export interface ReplyingAgency {
  readonly agencyId: string;
  readonly agencyName?: string;
}

/**
 * The statuses a simulated agency sends about a document it received, one
 * writer per code. Each is written when called, so its Timestamp is the
 * moment it is delivered, as a real recipient's would be.
 *
 * `ResponseFor` names the document the way recipients in the wild do: the
 * sender's OrganId, `CodeNumber/CodeNotation` as `Code`, the promulgation
 * date and the edXML DocumentId.
 */
export function buildReplies(
  agency: ReplyingAgency,
  document: EdxmlDocument,
  codes: readonly string[],
  now: () => Date,
): Array<() => Uint8Array> {
  const code =
    document.codeNumber !== undefined && document.codeNotation !== undefined
      ? `${document.codeNumber}/${document.codeNotation}`
      : undefined;
  return codes.map((statusCode) => () => {
    const text = buildStatusMessage({
      from: {
        organId: agency.agencyId,
        ...(agency.agencyName === undefined ? {} : { organName: agency.agencyName }),
      },
      responseFor: {
        organId: document.from.organId,
        documentId: document.documentId,
        ...(code === undefined ? {} : { code }),
        ...(document.promulgationDate === undefined
          ? {}
          : { promulgationDate: document.promulgationDate }),
      },
      statusCode,
      description: statusInfo(statusCode)?.name ?? `Trạng thái ${statusCode}`,
      timestamp: formatEdxmlTimestamp(now()),
    });
    return Buffer.from(text, 'utf8');
  });
}
