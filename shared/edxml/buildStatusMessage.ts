/**
 * Writes edXML processing status messages, as a recipient's document system
 * sends them back about a document it received.
 */
import { AxisError } from '../domain/AxisError';
import type { Organ, ResponseFor } from './types';
import { EDXML_NAMESPACE } from './types';
import { checkOrganId, checkReference, checkStatusCode } from './values';

/** The clerk who handled the document (`StaffInfo`); every part optional. */
export interface StaffInfo {
  readonly department?: string;
  readonly staff?: string;
  readonly mobile?: string;
  readonly email?: string;
}

export interface StatusMessageInput {
  /** The agency reporting the status: the document's recipient. */
  readonly from: Organ;
  readonly responseFor: ResponseFor;
  /** Two digits, e.g. "01". */
  readonly statusCode: string;
  readonly description?: string;
  /** `yyyy/MM/dd HH:mm:ss`, Vietnam time; see {@link formatEdxmlTimestamp}. */
  readonly timestamp: string;
  readonly staffInfo?: StaffInfo;
}

type Field = readonly [name: string, value: string | undefined];

/** Vietnam keeps UTC+7 all year, so a fixed offset is exact. */
const VIETNAM_OFFSET_MS = 7 * 60 * 60 * 1000;

/** Characters XML 1.0 cannot carry at all, not even as references. */
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // A raw CR would be read back as LF; the reference keeps it.
  '\r': '&#13;',
};

/**
 * Builds a status message in the layout of the standard's own samples: root
 * `edXML` in the edXML namespace (default declaration), inner elements with the
 * `edXML:` prefix, and `From`, `ResponseFor`, `StaffInfo`, `StatusCode`,
 * `Description`, `Timestamp` in that order. Recipients in the wild are known
 * to look for that exact shape, so it is kept even where XML would allow less.
 *
 * Values are checked with the parser's own rules, so the result always reads
 * back through `parseStatus`.
 *
 * @throws AxisError EDXML_INVALID_VALUE (bad OrganId, or text XML cannot
 *   carry), INVALID_STATUS_CODE, EDXML_MISSING_ELEMENT (empty DocumentId).
 */
export function buildStatusMessage(input: StatusMessageInput): string {
  const { from, responseFor, staffInfo } = input;
  checkOrganId(from.organId, 'MessageHeader/From/OrganId');
  checkOrganId(responseFor.organId, 'MessageHeader/ResponseFor/OrganId');
  checkStatusCode(input.statusCode);
  checkReference(responseFor.documentId, 'MessageHeader/ResponseFor/DocumentId');
  checkReference(responseFor.code, 'MessageHeader/ResponseFor/Code');
  checkReference(responseFor.promulgationDate, 'MessageHeader/ResponseFor/PromulgationDate');
  if (responseFor.documentId.trim() === '') {
    throw new AxisError('EDXML_MISSING_ELEMENT', 'MessageHeader/ResponseFor/DocumentId is empty', {
      element: 'MessageHeader/ResponseFor/DocumentId',
    });
  }

  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<edXML xmlns="${EDXML_NAMESPACE}">`,
    `  <edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">`,
    '    <edXML:edXMLHeader>',
    '      <edXML:MessageHeader>',
    ...block('From', [
      ['OrganId', from.organId],
      ['OrganName', from.organName],
      ['OrganizationInCharge', from.organizationInCharge],
      ['Email', from.email],
    ]),
    ...block('ResponseFor', [
      ['OrganId', responseFor.organId],
      ['Code', responseFor.code],
      ['PromulgationDate', responseFor.promulgationDate],
      ['DocumentId', responseFor.documentId],
    ]),
    ...block('StaffInfo', [
      ['Department', staffInfo?.department],
      ['Staff', staffInfo?.staff],
      ['Mobile', staffInfo?.mobile],
      ['Email', staffInfo?.email],
    ]),
    ...leaf(8, ['StatusCode', input.statusCode]),
    ...leaf(8, ['Description', input.description]),
    ...leaf(8, ['Timestamp', input.timestamp]),
    '      </edXML:MessageHeader>',
    '    </edXML:edXMLHeader>',
    '  </edXML:edXMLEnvelope>',
    '</edXML>',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * Formats an instant as edXML writes time: `yyyy/MM/dd HH:mm:ss` in Vietnam
 * local time. Computed from the UTC fields plus seven hours, so the result
 * is the same on every machine whatever its time zone setting.
 *
 * @example formatEdxmlTimestamp(new Date('2026-12-04T16:00:00Z')) === '2026/12/04 23:00:00'
 * @throws RangeError for an invalid Date.
 */
export function formatEdxmlTimestamp(date: Date): string {
  const time = date.getTime();
  if (Number.isNaN(time)) throw new RangeError('formatEdxmlTimestamp needs a valid Date');
  const local = new Date(time + VIETNAM_OFFSET_MS);
  const year = String(local.getUTCFullYear()).padStart(4, '0');
  const day = [local.getUTCMonth() + 1, local.getUTCDate()].map(twoDigits).join('/');
  const clock = [local.getUTCHours(), local.getUTCMinutes(), local.getUTCSeconds()];
  return `${year}/${day} ${clock.map(twoDigits).join(':')}`;
}

function twoDigits(value: number): string {
  return String(value).padStart(2, '0');
}

/** A block of leaf elements, left out entirely when none has a value. */
function block(name: string, fields: readonly Field[]): string[] {
  const inner = fields.flatMap((field) => leaf(10, field));
  if (inner.length === 0) return [];
  return [`        <edXML:${name}>`, ...inner, `        </edXML:${name}>`];
}

function leaf(indent: number, [name, value]: Field): string[] {
  if (value === undefined) return [];
  return [`${' '.repeat(indent)}<edXML:${name}>${escapeText(value, name)}</edXML:${name}>`];
}

function escapeText(value: string, element: string): string {
  if (NOT_XML_CHAR.test(value)) {
    throw new AxisError('EDXML_INVALID_VALUE', `${element} contains a character XML cannot carry`, {
      element,
    });
  }
  return value.replace(/[&<>"'\r]/g, (char) => ESCAPES[char] ?? char);
}
