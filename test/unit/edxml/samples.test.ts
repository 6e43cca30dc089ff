import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument, parseEdxml, parseStatus } from '#shared/edxml/parseEdxml';

const SAMPLES = new URL('../../../samples/edxml/', import.meta.url);

function sample(name: string): Buffer {
  return readFileSync(new URL(name, SAMPLES));
}

const GOVERNMENT_OFFICE = '000.00.00.G22';
const NGHE_AN = '000.00.00.H41';
const THREE_PROVINCES = [NGHE_AN, '000.00.00.H14', '000.00.00.G17'];
const DOCUMENT_ID = '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT';

const DOCUMENTS = [
  {
    file: 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml',
    from: GOVERNMENT_OFFICE,
    to: THREE_PROVINCES,
    businessDocType: 0,
    encodedLength: 2208,
  },
  {
    file: 'edoc_new.edxml',
    from: '000.00.00.A80',
    to: ['28.22.H17'],
    businessDocType: 0,
    encodedLength: 191360,
  },
  {
    file: 'edoc_revocation.edxml',
    from: GOVERNMENT_OFFICE,
    to: THREE_PROVINCES,
    businessDocType: 1,
    encodedLength: 191360,
  },
  {
    file: 'edoc_update.edxml',
    from: GOVERNMENT_OFFICE,
    to: THREE_PROVINCES,
    businessDocType: 2,
    encodedLength: 191360,
  },
  {
    file: 'edoc_replacement.edxml',
    from: GOVERNMENT_OFFICE,
    to: THREE_PROVINCES,
    businessDocType: 3,
    encodedLength: 191360,
  },
];

/** In 13 the sender asks for its document back, so the roles are reversed. */
const STATUSES = [
  { file: 'status.edxml', from: NGHE_AN, statusCode: '01', responseForOrgan: GOVERNMENT_OFFICE },
  {
    file: 'status_inbox_01.edxml',
    from: NGHE_AN,
    statusCode: '01',
    responseForOrgan: GOVERNMENT_OFFICE,
  },
  {
    file: 'status_rejection_02.edxml',
    from: NGHE_AN,
    statusCode: '02',
    responseForOrgan: GOVERNMENT_OFFICE,
  },
  {
    file: 'status_acceptance_03.edxml',
    from: NGHE_AN,
    statusCode: '03',
    responseForOrgan: GOVERNMENT_OFFICE,
  },
  {
    file: 'status_assignment_04.edxml',
    from: NGHE_AN,
    statusCode: '04',
    responseForOrgan: GOVERNMENT_OFFICE,
  },
  {
    file: 'status_processing_05.edxml',
    from: NGHE_AN,
    statusCode: '05',
    responseForOrgan: GOVERNMENT_OFFICE,
  },
  {
    file: 'status_finish_06.edxml',
    from: NGHE_AN,
    statusCode: '06',
    responseForOrgan: GOVERNMENT_OFFICE,
  },
  {
    file: 'status_cancellation_13.edxml',
    from: GOVERNMENT_OFFICE,
    statusCode: '13',
    responseForOrgan: NGHE_AN,
  },
  {
    file: 'status_change-acceptance_15.edxml',
    from: NGHE_AN,
    statusCode: '15',
    responseForOrgan: GOVERNMENT_OFFICE,
  },
  {
    file: 'status_change-rejection_16.edxml',
    from: NGHE_AN,
    statusCode: '16',
    responseForOrgan: GOVERNMENT_OFFICE,
  },
];

describe('edXML samples from the national exchange SDK', () => {
  it('has an expectation for every sample file', () => {
    const files = readdirSync(SAMPLES).filter((name) => name.endsWith('.edxml'));

    const covered = [...DOCUMENTS, ...STATUSES].map((entry) => entry.file);

    expect(covered.sort()).toEqual(files.sort());
  });

  it.each(DOCUMENTS)('$file is a document from $from', (expected) => {
    const bytes = sample(expected.file);

    const message = parseEdxml(bytes);

    expect(message).toMatchObject({
      kind: 'document',
      from: { organId: expected.from },
      documentId: DOCUMENT_ID,
      businessDocType: expected.businessDocType,
      signature: { present: true, xmlDsigNamespace: false },
    });
    if (message.kind !== 'document') return;
    expect(message.to.map((organ) => organ.organId)).toEqual(expected.to);
    expect(message.attachments).toEqual([
      {
        contentId: 'cid:209',
        attachmentName: '1896_QD-TTg_m_294779.doc',
        contentType: 'application/zip',
        encodedLength: expected.encodedLength,
      },
    ]);
  });

  it.each(STATUSES)('$file is status $statusCode from $from', (expected) => {
    const bytes = sample(expected.file);

    const message = parseEdxml(bytes);

    expect(message).toMatchObject({
      kind: 'status',
      from: { organId: expected.from },
      statusCode: expected.statusCode,
      responseFor: { organId: expected.responseForOrgan, documentId: DOCUMENT_ID },
    });
  });

  it.each(DOCUMENTS)('parseDocument agrees with parseEdxml on $file', ({ file }) => {
    const bytes = sample(file);

    const document = parseDocument(bytes);

    expect(document).toStrictEqual(parseEdxml(bytes));
  });

  it.each(STATUSES)('parseStatus agrees with parseEdxml on $file', ({ file }) => {
    const bytes = sample(file);

    const status = parseStatus(bytes);

    expect(status).toStrictEqual(parseEdxml(bytes));
  });

  it('reads every field of a sample document, with Vietnamese text intact', () => {
    const bytes = sample('dc0bdef0-c7a3-4aaf-b717-777303442973.edxml');

    const document = parseDocument(bytes);

    expect(document).toMatchObject({
      from: {
        organId: GOVERNMENT_OFFICE,
        organName: 'Văn phòng Chính phủ',
        organizationInCharge: 'Văn phòng Chính phủ',
        email: 'vpcp@gov.vn',
      },
      codeNumber: '7816',
      codeNotation: 'VPCP-TTĐT',
      promulgationDate: '2019/04/11',
      subject: 'V/v kết nối, liên thông phần mềm quản lý văn bản',
    });
  });

  it('reads every field of a sample status', () => {
    const bytes = sample('status.edxml');

    const status = parseStatus(bytes);

    expect(status).toStrictEqual({
      kind: 'status',
      from: {
        organId: NGHE_AN,
        organName: 'UBND Tỉnh Nghệ An',
        organizationInCharge: 'UBND Tỉnh Nghệ An',
        email: 'nghean@gov.vn',
      },
      responseFor: {
        organId: GOVERNMENT_OFFICE,
        documentId: DOCUMENT_ID,
        code: '7816/VPCP-TTĐT',
        promulgationDate: '2018/09/28',
      },
      statusCode: '01',
      description:
        'Văn thư - Phòng Văn thư - Lưu trữ: Đã đến - ' +
        'Phần mềm QLVB đã nhận nhưng văn thư chưa xử lý',
      timestamp: '2018/09/28 17:25:11',
    });
  });

  it('keeps no attachment payload in the result', () => {
    const bytes = sample('edoc_new.edxml');
    const payloadStart = bytes.toString('utf8').split('QCVN_102_2016">').at(-1)?.slice(0, 64);

    const document = parseDocument(bytes);

    expect(payloadStart).toMatch(/^[A-Za-z0-9+/]{64}$/);
    expect(JSON.stringify(document)).not.toContain(payloadStart);
  });

  it('reads a sample preceded by a UTF-8 byte order mark', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      sample('status_finish_06.edxml'),
    ]);

    const status = parseStatus(bytes);

    expect(status.statusCode).toBe('06');
  });
});
