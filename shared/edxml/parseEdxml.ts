/**
 * Reads what the axis acts on out of an edXML message (QCVN 102:2016/BTTTT):
 * who sends, who receives, which document, and for statuses which code.
 *
 * Elements are matched by namespace URI and local name, never by prefix:
 * real senders mix a default namespace with `edXML:` prefixes, and others use
 * different prefixes or none at all.
 */
import { AxisError } from '../domain/AxisError';
import type {
  AttachmentInfo,
  BusinessDocType,
  EdxmlDocument,
  EdxmlMessage,
  EdxmlStatus,
  Organ,
  ResponseFor,
  SignaturePresence,
} from './types';
import { EDXML_NAMESPACE } from './types';
import { checkOrganId, checkReference, checkStatusCode, preview } from './values';
import type { XmlElement } from './xmlTree';
import { childNamed, childrenNamed, readXmlTree, trimmedText } from './xmlTree';

const EDXML: readonly string[] = [EDXML_NAMESPACE];
/** The attachment block sits outside the envelope; some senders leave it unqualified. */
const EDXML_OR_NONE: readonly string[] = [EDXML_NAMESPACE, ''];
const XMLDSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';

interface Envelope {
  readonly root: XmlElement;
  readonly header: XmlElement;
  readonly messageHeader: XmlElement;
}

/**
 * Parses a message whose kind is not known in advance.
 *
 * @returns a status when `MessageHeader` has a `StatusCode`, else a document.
 * @throws AxisError with a stable code for any message the axis cannot take.
 */
export function parseEdxml(bytes: Uint8Array): EdxmlMessage {
  const envelope = readEnvelope(bytes);
  return isStatus(envelope) ? readStatus(envelope) : readDocument(envelope);
}

/**
 * Parses an official document, refusing a status posted in its place so that
 * a misrouted status is never delivered to recipients as if it were a document.
 *
 * @throws AxisError STATUS_SENT_AS_DOCUMENT, or any code of {@link parseEdxml}.
 */
export function parseDocument(bytes: Uint8Array): EdxmlDocument {
  const envelope = readEnvelope(bytes);
  if (isStatus(envelope)) {
    throw new AxisError(
      'STATUS_SENT_AS_DOCUMENT',
      'This is a status message (MessageHeader has StatusCode); send it as a status',
    );
  }
  return readDocument(envelope);
}

/**
 * Parses a processing status, refusing a document posted in its place.
 *
 * @throws AxisError DOCUMENT_SENT_AS_STATUS, or any code of {@link parseEdxml}.
 */
export function parseStatus(bytes: Uint8Array): EdxmlStatus {
  const envelope = readEnvelope(bytes);
  if (!isStatus(envelope)) {
    throw new AxisError(
      'DOCUMENT_SENT_AS_STATUS',
      'This is a document (MessageHeader has no StatusCode); send it as a document',
    );
  }
  return readStatus(envelope);
}

function readEnvelope(bytes: Uint8Array): Envelope {
  const root = readXmlTree(bytes, { countOnly: isAttachmentPayload });
  if (root.uri !== EDXML_NAMESPACE || root.local !== 'edXML') {
    throw new AxisError(
      'NOT_EDXML',
      `The root element is ${describe(root)}; expected edXML in namespace ${EDXML_NAMESPACE}`,
      { root: root.local, namespace: root.uri },
    );
  }
  const envelope = requiredPart(root, 'edXMLEnvelope', 'edXML/edXMLEnvelope');
  const header = requiredPart(envelope, 'edXMLHeader', 'edXMLEnvelope/edXMLHeader');
  const messageHeader = requiredPart(header, 'MessageHeader', 'edXMLHeader/MessageHeader');
  return { root, header, messageHeader };
}

function isAttachmentPayload(uri: string, local: string): boolean {
  return local === 'ContentTransferEncoded' && EDXML_OR_NONE.includes(uri);
}

function isStatus({ messageHeader }: Envelope): boolean {
  return child(messageHeader, 'StatusCode') !== undefined;
}

function readDocument({ root, header, messageHeader }: Envelope): EdxmlDocument {
  // Sender and recipients first: their codes tell an integrator the most.
  const from = readFrom(messageHeader);
  const to = readTo(messageHeader);
  const documentId = checkReference(
    requiredText(messageHeader, 'DocumentId', 'MessageHeader/DocumentId'),
    'MessageHeader/DocumentId',
  );
  const code = child(messageHeader, 'Code');
  return withoutUndefined<EdxmlDocument>({
    kind: 'document',
    from,
    to,
    documentId,
    codeNumber: checkReference(text(code, 'CodeNumber'), 'MessageHeader/Code/CodeNumber'),
    codeNotation: checkReference(text(code, 'CodeNotation'), 'MessageHeader/Code/CodeNotation'),
    promulgationDate: checkReference(
      text(child(messageHeader, 'PromulgationInfo'), 'PromulgationDate'),
      'MessageHeader/PromulgationInfo/PromulgationDate',
    ),
    subject: text(messageHeader, 'Subject'),
    businessDocType: readBusinessDocType(header),
    businessReferences: readBusinessReferences(header),
    signature: readSignature(header),
    attachments: readAttachments(root),
  });
}

function readStatus({ messageHeader }: Envelope): EdxmlStatus {
  return withoutUndefined<EdxmlStatus>({
    kind: 'status',
    from: readFrom(messageHeader),
    responseFor: readResponseFor(messageHeader),
    statusCode: checkStatusCode(text(messageHeader, 'StatusCode') ?? ''),
    description: text(messageHeader, 'Description'),
    timestamp: text(messageHeader, 'Timestamp'),
  });
}

function readFrom(messageHeader: XmlElement): Organ {
  const from = child(messageHeader, 'From');
  const organId = text(from, 'OrganId');
  if (from === undefined || organId === undefined) {
    throw new AxisError(
      'MISSING_FROM',
      'MessageHeader/From/OrganId is missing or empty: the sending agency must be named',
    );
  }
  return readOrgan(from, organId, 'MessageHeader/From/OrganId');
}

function readTo(messageHeader: XmlElement): Organ[] {
  const recipients = childrenNamed(messageHeader, 'To', EDXML);
  if (recipients.length === 0) {
    throw new AxisError('MISSING_TO', 'MessageHeader has no To: a document needs a recipient');
  }
  return recipients.map((to, index) => {
    const organId = text(to, 'OrganId');
    if (organId === undefined) {
      throw new AxisError(
        'MISSING_TO',
        `MessageHeader/To number ${index + 1} has no OrganId: every recipient must be named`,
        { index },
      );
    }
    return readOrgan(to, organId, 'MessageHeader/To/OrganId');
  });
}

function readOrgan(block: XmlElement, organId: string, element: string): Organ {
  return withoutUndefined<Organ>({
    organId: checkOrganId(organId, element),
    organName: text(block, 'OrganName'),
    organizationInCharge: text(block, 'OrganizationInCharge'),
    email: text(block, 'Email'),
  });
}

function readResponseFor(messageHeader: XmlElement): ResponseFor {
  const block = child(messageHeader, 'ResponseFor');
  if (block === undefined) throw missingElement('MessageHeader/ResponseFor');
  const organId = requiredText(block, 'OrganId', 'MessageHeader/ResponseFor/OrganId');
  return withoutUndefined<ResponseFor>({
    organId: checkOrganId(organId, 'MessageHeader/ResponseFor/OrganId'),
    documentId: checkReference(
      requiredText(block, 'DocumentId', 'MessageHeader/ResponseFor/DocumentId'),
      'MessageHeader/ResponseFor/DocumentId',
    ),
    code: checkReference(text(block, 'Code'), 'MessageHeader/ResponseFor/Code'),
    promulgationDate: checkReference(
      text(block, 'PromulgationDate'),
      'MessageHeader/ResponseFor/PromulgationDate',
    ),
  });
}

/** The standard spells it `Bussiness`; the correct spelling is accepted as well. */
function readBusinessDocType(header: XmlElement): BusinessDocType {
  const business = child(child(header, 'TraceHeaderList'), ['Bussiness', 'Business']);
  const element = child(business, ['BussinessDocType', 'BusinessDocType']);
  if (element === undefined) return 0;
  const value = element.text.trim();
  if (!/^[0-3]$/.test(value)) {
    throw new AxisError(
      'EDXML_INVALID_VALUE',
      `BussinessDocType ${JSON.stringify(preview(value))} must be 0, 1, 2 or 3`,
      { element: 'TraceHeaderList/Bussiness/BussinessDocType', value: preview(value) },
    );
  }
  return Number(value) as BusinessDocType;
}

/**
 * DocumentIds a revoke, update or replace names as the documents it revises.
 * A new document (type 0) revises nothing, whatever its block carries.
 */
function readBusinessReferences(header: XmlElement): string[] | undefined {
  if (readBusinessDocType(header) === 0) return undefined;
  const business = child(child(header, 'TraceHeaderList'), ['Bussiness', 'Business']);
  const replacements = childrenNamed(
    child(business, 'ReplacementInfoList'),
    'ReplacementInfo',
    EDXML,
  );
  const ids = [
    text(business, 'DocumentId'),
    ...replacements.map((info) => text(info, 'DocumentId')),
  ];
  const found = [...new Set(ids.filter((id): id is string => id !== undefined))].map((id) =>
    checkReference(id, 'TraceHeaderList/Bussiness/DocumentId'),
  );
  return found.length > 0 ? found : undefined;
}

/**
 * Presence only: real senders put `Signature` in the edXML namespace instead
 * of XML-DSig's, and the axis records that rather than refusing the message.
 */
function readSignature(header: XmlElement): SignaturePresence {
  const signature = header.children.find((element) => element.local === 'Signature');
  if (signature === undefined) return { present: false };
  return { present: true, xmlDsigNamespace: signature.uri === XMLDSIG_NAMESPACE };
}

function readAttachments(root: XmlElement): AttachmentInfo[] {
  return childrenNamed(root, 'AttachmentEncoded', EDXML_OR_NONE)
    .flatMap((block) => childrenNamed(block, 'Attachment', EDXML_OR_NONE))
    .map((attachment) =>
      withoutUndefined<AttachmentInfo>({
        contentId: requiredText(
          attachment,
          'ContentId',
          'AttachmentEncoded/Attachment/ContentId',
          EDXML_OR_NONE,
        ),
        attachmentName: trimmedText(childNamed(attachment, 'AttachmentName', EDXML_OR_NONE)),
        contentType: trimmedText(childNamed(attachment, 'ContentType', EDXML_OR_NONE)),
        encodedLength:
          childNamed(attachment, 'ContentTransferEncoded', EDXML_OR_NONE)?.textLength ?? 0,
      }),
    );
}

function child(
  parent: XmlElement | undefined,
  local: string | readonly string[],
): XmlElement | undefined {
  return childNamed(parent, local, EDXML);
}

function text(parent: XmlElement | undefined, local: string): string | undefined {
  return trimmedText(child(parent, local));
}

function requiredText(
  parent: XmlElement,
  local: string,
  path: string,
  uris: readonly string[] = EDXML,
): string {
  const value = trimmedText(childNamed(parent, local, uris));
  if (value === undefined) throw missingElement(path);
  return value;
}

function requiredPart(parent: XmlElement, local: string, path: string): XmlElement {
  const element = child(parent, local);
  if (element === undefined) {
    throw new AxisError('NOT_EDXML', `${path} is missing: this is not an edXML message`, {
      element: path,
    });
  }
  return element;
}

function missingElement(path: string): AxisError {
  return new AxisError('EDXML_MISSING_ELEMENT', `${path} is missing or empty`, { element: path });
}

function describe(element: XmlElement): string {
  return element.uri === ''
    ? `${element.local} (no namespace)`
    : `${element.local} in namespace ${element.uri}`;
}

/**
 * Optional fields are left out rather than set to undefined, so records can be
 * stored and compared as they are.
 */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}
