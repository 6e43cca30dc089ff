import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { AxisError } from '#shared/domain/AxisError';
import type { StatusMessageInput } from '#shared/edxml/buildStatusMessage';
import { buildStatusMessage, formatEdxmlTimestamp } from '#shared/edxml/buildStatusMessage';
import { parseStatus } from '#shared/edxml/parseEdxml';
import { EDXML_NAMESPACE } from '#shared/edxml/types';

const FULL_INPUT: StatusMessageInput = {
  from: {
    organId: '000.00.00.H41',
    organName: 'UBND Tỉnh Nghệ An',
    organizationInCharge: 'UBND Tỉnh Nghệ An',
    email: 'nghean@gov.vn',
  },
  responseFor: {
    organId: '000.00.00.G22',
    documentId: '000.00.00.G22,2026/12/04,15/VPCP-TTĐT',
    code: '15/VPCP-TTĐT',
    promulgationDate: '2026/12/04',
  },
  statusCode: '03',
  description: 'Văn thư: Tiếp nhận văn bản điện tử, vào sổ văn bản đến',
  timestamp: '2026/12/04 23:00:00',
  staffInfo: {
    department: 'Phòng Hành chính',
    staff: 'Nguyễn Văn A',
    mobile: '84900000001',
    email: 'vanthu@nghean.example.vn',
  },
};

const MINIMAL_INPUT: StatusMessageInput = {
  from: { organId: '28.22.H17' },
  responseFor: { organId: 'vxp.saas.03', documentId: 'doc-1' },
  statusCode: '01',
  timestamp: '2026/12/04 23:00:00',
};

function roundTrip(input: StatusMessageInput) {
  return parseStatus(new TextEncoder().encode(buildStatusMessage(input)));
}

/** Local names of the opening tags, in document order, prefixes dropped. */
function elementOrder(xml: string): string[] {
  return [...xml.matchAll(/<([A-Za-z][\w:]*)[\s/>]/g)].map((m) => m[1].replace(/^\w+:/, ''));
}

function refusal(action: () => unknown): AxisError {
  try {
    action();
  } catch (error) {
    if (error instanceof AxisError) return error;
    throw error;
  }
  throw new Error('expected an AxisError, but nothing was thrown');
}

describe('buildStatusMessage', () => {
  it('round-trips every field through parseStatus', () => {
    const input = FULL_INPUT;

    const status = roundTrip(input);

    expect(status).toStrictEqual({
      kind: 'status',
      from: input.from,
      responseFor: input.responseFor,
      statusCode: '03',
      description: input.description,
      timestamp: input.timestamp,
    });
  });

  it('round-trips a minimal status and writes no empty blocks', () => {
    const input = MINIMAL_INPUT;

    const xml = buildStatusMessage(input);
    const status = roundTrip(input);

    expect(status).toStrictEqual({
      kind: 'status',
      from: { organId: '28.22.H17' },
      responseFor: { organId: 'vxp.saas.03', documentId: 'doc-1' },
      statusCode: '01',
      timestamp: '2026/12/04 23:00:00',
    });
    expect(xml).not.toContain('StaffInfo');
    expect(xml).not.toContain('Description');
  });

  it('escapes markup, ampersands and quotes, and keeps Vietnamese text', () => {
    const description = `Từ chối: <b>thiếu "chữ ký"</b> & 'dấu' — Đã đến`;
    const input = {
      ...FULL_INPUT,
      statusCode: '02',
      description,
      from: { ...FULL_INPUT.from, organName: 'Sở A & B <Đà Nẵng>' },
    };

    const xml = buildStatusMessage(input);
    const status = roundTrip(input);

    expect(status.description).toBe(description);
    expect(status.from.organName).toBe('Sở A & B <Đà Nẵng>');
    expect(xml).toContain('&lt;b&gt;thiếu &quot;chữ ký&quot;&lt;/b&gt; &amp; &apos;dấu&apos;');
    expect(xml).not.toContain('<b>');
  });

  it('keeps a carriage return that XML would otherwise turn into a line feed', () => {
    const input = { ...MINIMAL_INPUT, description: 'dòng 1\r\ndòng 2' };

    const status = roundTrip(input);

    expect(status.description).toBe('dòng 1\r\ndòng 2');
  });

  it('follows the element order of the standard sample status_inbox_01', () => {
    const sample = readFileSync(
      new URL('../../../samples/edxml/status_inbox_01.edxml', import.meta.url),
      'utf8',
    );

    const built = elementOrder(buildStatusMessage(FULL_INPUT));

    const sampleOrder = elementOrder(sample).filter((name) => built.includes(name));
    expect(built).toEqual(sampleOrder);
    expect(built.slice(0, 4)).toEqual(['edXML', 'edXMLEnvelope', 'edXMLHeader', 'MessageHeader']);
  });

  it('declares the edXML namespace as the samples do', () => {
    const input = MINIMAL_INPUT;

    const xml = buildStatusMessage(input);

    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n')).toBe(true);
    expect(xml).toContain(`<edXML xmlns="${EDXML_NAMESPACE}">`);
    expect(xml).toContain(`<edXML:edXMLEnvelope xmlns:edXML="${EDXML_NAMESPACE}">`);
  });

  it.each([
    ['a status code that is not two digits', { statusCode: '3' }, 'INVALID_STATUS_CODE'],
    [
      'a sender identifier with a space',
      { from: { organId: '000.00.00 H41' } },
      'EDXML_INVALID_VALUE',
    ],
    [
      'an empty document identifier',
      { responseFor: { organId: 'G22', documentId: ' ' } },
      'EDXML_MISSING_ELEMENT',
    ],
    ['a control character XML cannot carry', { description: 'a\u0001b' }, 'EDXML_INVALID_VALUE'],
  ])('refuses %s with %s', (_case, change, code) => {
    const input = { ...MINIMAL_INPUT, ...change };

    const error = refusal(() => buildStatusMessage(input));

    expect(error.code).toBe(code);
  });
});

describe('formatEdxmlTimestamp', () => {
  const originalTimeZone = process.env.TZ;
  afterEach(() => {
    process.env.TZ = originalTimeZone;
  });

  it.each([
    ['2026-12-04T16:00:00Z', '2026/12/04 23:00:00'],
    ['2026-12-31T17:30:05Z', '2027/01/01 00:30:05'],
    ['2028-02-28T20:01:02.999Z', '2028/02/29 03:01:02'],
    ['2026-01-01T00:00:00+07:00', '2026/01/01 00:00:00'],
  ])('formats %s as %s in Vietnam time', (iso, expected) => {
    const date = new Date(iso);

    const formatted = formatEdxmlTimestamp(date);

    expect(formatted).toBe(expected);
  });

  it('gives the same answer whatever the machine time zone', () => {
    const date = new Date('2026-06-30T18:45:00Z');
    process.env.TZ = 'America/New_York';

    const formatted = formatEdxmlTimestamp(date);

    expect(date.getHours()).toBe(14);
    expect(formatted).toBe('2026/07/01 01:45:00');
  });

  it('refuses an invalid date', () => {
    const date = new Date('not a date');

    const attempt = () => formatEdxmlTimestamp(date);

    expect(attempt).toThrow(RangeError);
  });
});
