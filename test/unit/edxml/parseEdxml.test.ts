import { describe, expect, it } from 'vitest';
import { AxisError } from '#shared/domain/AxisError';
import { parseDocument, parseEdxml, parseStatus } from '#shared/edxml/parseEdxml';
import { EDXML_NAMESPACE as NS } from '#shared/edxml/types';

const XMLDSIG = 'http://www.w3.org/2000/09/xmldsig#';
const DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\r\n';

interface DocumentParts {
  from: string;
  to: string;
  documentId: string;
  /** Anything else inside MessageHeader, after DocumentId. */
  more: string;
  /** Anything inside edXMLHeader after MessageHeader (trace list, signature). */
  afterHeader: string;
  /** Anything inside the root after the envelope (attachment blocks). */
  afterEnvelope: string;
}

const DOCUMENT_DEFAULTS: DocumentParts = {
  from: '<From><OrganId>000.00.00.G22</OrganId></From>',
  to: '<To><OrganId>000.00.00.H41</OrganId></To>',
  documentId: '<DocumentId>000.00.00.G22,2026/12/04,15/VPCP-TTĐT</DocumentId>',
  more: '',
  afterHeader: '',
  afterEnvelope: '',
};

/** A document in the plainest layout: one default namespace, no prefixes. */
function documentXml(parts: Partial<DocumentParts> = {}): string {
  const p = { ...DOCUMENT_DEFAULTS, ...parts };
  return (
    `${DECLARATION}<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>` +
    `${p.from}${p.to}${p.documentId}${p.more}</MessageHeader>${p.afterHeader}</edXMLHeader>` +
    `</edXMLEnvelope>${p.afterEnvelope}</edXML>`
  );
}

interface StatusParts {
  from: string;
  responseFor: string;
  statusCode: string;
}

const STATUS_DEFAULTS: StatusParts = {
  from: '<From><OrganId>000.00.00.H41</OrganId></From>',
  responseFor:
    '<ResponseFor><OrganId>000.00.00.G22</OrganId>' +
    '<DocumentId>000.00.00.G22,2026/12/04,15/VPCP-TTĐT</DocumentId></ResponseFor>',
  statusCode: '<StatusCode>03</StatusCode>',
};

function statusXml(parts: Partial<StatusParts> = {}): string {
  const p = { ...STATUS_DEFAULTS, ...parts };
  return (
    `${DECLARATION}<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader><MessageHeader>` +
    `${p.from}${p.responseFor}${p.statusCode}</MessageHeader></edXMLHeader></edXMLEnvelope></edXML>`
  );
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

/** Runs `action`, which must refuse with an AxisError, and returns that error. */
function refusal(action: () => unknown): AxisError {
  try {
    action();
  } catch (error) {
    if (error instanceof AxisError) return error;
    throw error;
  }
  throw new Error('expected an AxisError, but nothing was thrown');
}

function nested(depth: number): string {
  return `${'<Deep>'.repeat(depth)}${'</Deep>'.repeat(depth)}`;
}

describe('namespace layouts', () => {
  it('reads a message with no prefixes at all', () => {
    const bytes = utf8(documentXml());

    const document = parseDocument(bytes);

    expect(document.from.organId).toBe('000.00.00.G22');
    expect(document.to.map((organ) => organ.organId)).toEqual(['000.00.00.H41']);
  });

  it('reads a message that uses another prefix everywhere', () => {
    const bytes = utf8(
      `<q:edXML xmlns:q="${NS}"><q:edXMLEnvelope><q:edXMLHeader><q:MessageHeader>` +
        '<q:From><q:OrganId>vxp.saas.03</q:OrganId></q:From>' +
        '<q:To><q:OrganId>28.22.H17</q:OrganId></q:To>' +
        '<q:DocumentId>vxp.saas.03,2026/12/04,7/UB</q:DocumentId>' +
        '</q:MessageHeader></q:edXMLHeader></q:edXMLEnvelope></q:edXML>',
    );

    const document = parseDocument(bytes);

    expect(document).toMatchObject({
      from: { organId: 'vxp.saas.03' },
      to: [{ organId: '28.22.H17' }],
      documentId: 'vxp.saas.03,2026/12/04,7/UB',
    });
  });

  it('reads a message whose inner elements declare the namespace themselves', () => {
    const bytes = utf8(
      `<r:edXML xmlns:r="${NS}"><edXMLEnvelope xmlns="${NS}"><edXMLHeader>` +
        `<k:MessageHeader xmlns:k="${NS}">` +
        `<From xmlns="${NS}"><OrganId>000.00.00.G22</OrganId></From>` +
        `<k:To><z:OrganId xmlns:z="${NS}">000.00.00.H41</z:OrganId></k:To>` +
        '<k:DocumentId>000.00.00.G22,2026/12/04,15/VPCP</k:DocumentId>' +
        '</k:MessageHeader></edXMLHeader></edXMLEnvelope></r:edXML>',
    );

    const document = parseDocument(bytes);

    expect(document.from.organId).toBe('000.00.00.G22');
    expect(document.to).toEqual([{ organId: '000.00.00.H41' }]);
  });

  it('ignores an element with the right name in another namespace', () => {
    const bytes = utf8(
      documentXml({
        from: '<x:From xmlns:x="urn:example:other"><x:OrganId>000.00.00.G22</x:OrganId></x:From>',
      }),
    );

    const error = refusal(() => parseDocument(bytes));

    expect(error.code).toBe('MISSING_FROM');
  });

  it.each([
    ['edXML in another namespace', '<edXML xmlns="urn:example:other"/>', 'urn:example:other'],
    ['edXML in no namespace', '<edXML><edXMLEnvelope/></edXML>', 'no namespace'],
    ['the edXML prefix bound elsewhere', '<edXML:edXML xmlns:edXML="urn:x"/>', 'urn:x'],
    [
      'edXML in no namespace, the namespace declared only inside',
      `<edXML><edXMLEnvelope xmlns="${NS}"/></edXML>`,
      'no namespace',
    ],
  ])('refuses a root that is %s as NOT_EDXML', (_case, xml, shown) => {
    const bytes = utf8(xml);

    const error = refusal(() => parseEdxml(bytes));

    expect(error.code).toBe('NOT_EDXML');
    expect(error.message).toContain(shown);
  });
});

describe('document fields', () => {
  it('reads every field the axis uses, leaving out the absent ones', () => {
    const bytes = utf8(
      documentXml({
        from:
          '<From><OrganId>000.00.00.G22</OrganId><OrganName>Văn phòng Chính phủ</OrganName>' +
          '<OrganizationInCharge>VPCP</OrganizationInCharge><Email>vpcp@gov.vn</Email></From>',
        to: '<To><OrganId>000.00.00.H41</OrganId></To><To><OrganId>000.00.00.H14</OrganId></To>',
        more:
          '<Code><CodeNumber>15</CodeNumber><CodeNotation>VPCP-TTĐT</CodeNotation></Code>' +
          '<PromulgationInfo><Place>Hà Nội</Place>' +
          '<PromulgationDate>2026/12/04</PromulgationDate></PromulgationInfo>' +
          '<Subject><![CDATA[V/v <thử> & kiểm tra]]></Subject>',
        afterHeader:
          '<TraceHeaderList><Bussiness><BussinessDocType>2</BussinessDocType></Bussiness>' +
          `</TraceHeaderList><ds:Signature xmlns:ds="${XMLDSIG}"/>`,
      }),
    );

    const document = parseDocument(bytes);

    expect(document).toStrictEqual({
      kind: 'document',
      from: {
        organId: '000.00.00.G22',
        organName: 'Văn phòng Chính phủ',
        organizationInCharge: 'VPCP',
        email: 'vpcp@gov.vn',
      },
      to: [{ organId: '000.00.00.H41' }, { organId: '000.00.00.H14' }],
      documentId: '000.00.00.G22,2026/12/04,15/VPCP-TTĐT',
      codeNumber: '15',
      codeNotation: 'VPCP-TTĐT',
      promulgationDate: '2026/12/04',
      subject: 'V/v <thử> & kiểm tra',
      businessDocType: 2,
      signature: { present: true, xmlDsigNamespace: true },
      attachments: [],
    });
  });

  it('gives defaults for a minimal document: type 0, unsigned, no attachments', () => {
    const bytes = utf8(documentXml());

    const document = parseDocument(bytes);

    expect(document).toStrictEqual({
      kind: 'document',
      from: { organId: '000.00.00.G22' },
      to: [{ organId: '000.00.00.H41' }],
      documentId: '000.00.00.G22,2026/12/04,15/VPCP-TTĐT',
      businessDocType: 0,
      signature: { present: false },
      attachments: [],
    });
  });

  it('trims identifiers and keeps recipients in message order, duplicates included', () => {
    const bytes = utf8(
      documentXml({
        from: '<From><OrganId>\r\n  000.00.00.G22\t</OrganId></From>',
        to:
          '<To><OrganId> B </OrganId></To><To><OrganId>A</OrganId></To>' +
          '<To><OrganId>B</OrganId></To>',
        documentId: '<DocumentId>  id-1  </DocumentId>',
      }),
    );

    const document = parseDocument(bytes);

    expect(document.from.organId).toBe('000.00.00.G22');
    expect(document.to.map((organ) => organ.organId)).toEqual(['B', 'A', 'B']);
    expect(document.documentId).toBe('id-1');
  });

  it('accepts the Business / BusinessDocType spelling', () => {
    const bytes = utf8(
      documentXml({
        afterHeader:
          '<TraceHeaderList><Business><BusinessDocType> 1 </BusinessDocType></Business>' +
          '</TraceHeaderList>',
      }),
    );

    const document = parseDocument(bytes);

    expect(document.businessDocType).toBe(1);
  });

  it('only counts a Signature that is a direct child of edXMLHeader', () => {
    const bytes = utf8(documentXml({ more: `<Signature xmlns="${XMLDSIG}"/>` }));

    const document = parseDocument(bytes);

    expect(document.signature).toEqual({ present: false });
  });

  it('reads unqualified attachment blocks and counts base64 without line breaks', () => {
    const wrapped = `${'QUJD'.repeat(19)}\r\n${'REVG'.repeat(19)}\r\n${'R0g='}`;
    const bytes = utf8(
      documentXml({
        afterEnvelope:
          '<AttachmentEncoded xmlns=""><Attachment><ContentId> cid:1 </ContentId>' +
          '<AttachmentName>Quyết định.pdf</AttachmentName><ContentType>application/pdf' +
          `</ContentType><ContentTransferEncoded>${wrapped}</ContentTransferEncoded>` +
          '</Attachment><Attachment><ContentId>cid:2</ContentId></Attachment>' +
          '</AttachmentEncoded>',
      }),
    );

    const document = parseDocument(bytes);

    expect(document.attachments).toStrictEqual([
      {
        contentId: 'cid:1',
        attachmentName: 'Quyết định.pdf',
        contentType: 'application/pdf',
        encodedLength: 19 * 4 * 2 + 4,
      },
      { contentId: 'cid:2', encodedLength: 0 },
    ]);
  });

  it('accepts a document nested exactly as deep as allowed', () => {
    const bytes = utf8(documentXml({ more: nested(60) }));

    const document = parseDocument(bytes);

    expect(document.kind).toBe('document');
  });

  it('treats a MessageHeader with ResponseFor but no StatusCode as a document', () => {
    const bytes = utf8(
      documentXml({
        more:
          '<ResponseFor><OrganId>000.00.00.H14</OrganId>' +
          '<DocumentId>x</DocumentId></ResponseFor>',
      }),
    );

    const message = parseEdxml(bytes);

    expect(message.kind).toBe('document');
  });
});

describe('status fields', () => {
  it('reads a minimal status and trims its code', () => {
    const bytes = utf8(statusXml({ statusCode: '<StatusCode>\r\n 05 \r\n</StatusCode>' }));

    const status = parseStatus(bytes);

    expect(status).toStrictEqual({
      kind: 'status',
      from: { organId: '000.00.00.H41' },
      responseFor: {
        organId: '000.00.00.G22',
        documentId: '000.00.00.G22,2026/12/04,15/VPCP-TTĐT',
      },
      statusCode: '05',
    });
  });
});

const SIXTY_FIVE = 'A'.repeat(65);

const REFUSALS: {
  name: string;
  body: Uint8Array;
  parse?: (bytes: Uint8Array) => unknown;
  code: string;
  shows?: string | RegExp;
  details?: Record<string, unknown>;
}[] = [
  {
    name: 'text that is not XML',
    body: utf8('Xin chào, this is not XML'),
    code: 'NOT_XML',
    shows: /not well-formed XML: 1:\d+: /,
  },
  {
    name: 'mismatched tags, with the line and column',
    body: utf8(`<edXML xmlns="${NS}">\n  <edXMLEnvelope></edXMLHeader>\n</edXML>`),
    code: 'NOT_XML',
    shows: /2:\d+: /,
  },
  { name: 'a truncated message', body: utf8(documentXml().slice(0, 200)), code: 'NOT_XML' },
  { name: 'zero bytes', body: new Uint8Array(0), code: 'EMPTY_BODY' },
  { name: 'only whitespace', body: utf8(' \r\n\t \n'), code: 'EMPTY_BODY' },
  { name: 'only a byte order mark', body: new Uint8Array([0xef, 0xbb, 0xbf]), code: 'EMPTY_BODY' },
  {
    name: 'a DTD with an internal subset',
    body: utf8(`<!DOCTYPE edXML [<!ELEMENT edXML ANY>]>${documentXml().slice(DECLARATION.length)}`),
    code: 'XML_DTD_FORBIDDEN',
  },
  {
    name: 'an external DTD after the declaration and a comment',
    body: utf8(
      `${DECLARATION}<!-- c --><?pi x?>\n<!DOCTYPE edXML SYSTEM "http://example.invalid/e.dtd">` +
        `<edXML xmlns="${NS}"/>`,
    ),
    code: 'XML_DTD_FORBIDDEN',
  },
  {
    name: 'an external entity',
    body: utf8(
      '<!DOCTYPE edXML [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' +
        documentXml({ more: '<Subject>&xxe;</Subject>' }).slice(DECLARATION.length),
    ),
    code: 'XML_DTD_FORBIDDEN',
  },
  {
    name: 'entity expansion (billion laughs)',
    body: utf8(
      '<!DOCTYPE edXML [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>' +
        `<edXML xmlns="${NS}">&b;</edXML>`,
    ),
    code: 'XML_DTD_FORBIDDEN',
  },
  {
    name: 'a DTD that never ends',
    body: utf8('<!DOCTYPE edXML [ <!ENTITY a "'),
    code: 'XML_DTD_FORBIDDEN',
  },
  {
    name: 'an undefined entity',
    body: utf8(documentXml({ more: '<Subject>Hà&nbsp;Nội</Subject>' })),
    code: 'NOT_XML',
    shows: 'undefined entity',
  },
  {
    name: 'invalid UTF-8',
    body: new Uint8Array([...utf8(documentXml().slice(0, 60)), 0xc3, 0x28, ...utf8('</x>')]),
    code: 'NOT_XML',
    shows: 'UTF-8',
  },
  {
    name: 'Latin-1 bytes declared as ISO-8859-1',
    body: new Uint8Array([
      ...utf8(`<?xml version="1.0" encoding="ISO-8859-1"?><edXML xmlns="${NS}">H`),
      0xe0,
      ...utf8('</edXML>'),
    ]),
    code: 'EDXML_INVALID_VALUE',
    shows: 'ISO-8859-1',
  },
  {
    name: 'UTF-8 bytes declared as windows-1258',
    body: utf8(documentXml().replace('UTF-8', 'windows-1258')),
    code: 'EDXML_INVALID_VALUE',
    shows: 'windows-1258',
  },
  {
    name: 'a root that is not edXML',
    body: utf8(`<html xmlns="${NS}"><body/></html>`),
    code: 'NOT_EDXML',
    shows: 'html',
  },
  {
    name: 'edXML in the wrong namespace',
    body: utf8(documentXml().replace(NS, 'http://www.mic.gov.vn/TBT/QCVN_102_2015')),
    code: 'NOT_EDXML',
    shows: 'QCVN_102_2015',
  },
  {
    name: 'no edXMLEnvelope',
    body: utf8(`<edXML xmlns="${NS}"><edXMLHeader/></edXML>`),
    code: 'NOT_EDXML',
    details: { element: 'edXML/edXMLEnvelope' },
  },
  {
    name: 'no MessageHeader',
    body: utf8(`<edXML xmlns="${NS}"><edXMLEnvelope><edXMLHeader/></edXMLEnvelope></edXML>`),
    code: 'NOT_EDXML',
    details: { element: 'edXMLHeader/MessageHeader' },
  },
  { name: 'no From', body: utf8(documentXml({ from: '' })), code: 'MISSING_FROM' },
  {
    name: 'a blank From/OrganId',
    body: utf8(documentXml({ from: '<From><OrganId> </OrganId></From>' })),
    code: 'MISSING_FROM',
  },
  {
    name: 'a status without From',
    body: utf8(statusXml({ from: '<From><OrganName>UBND</OrganName></From>' })),
    parse: parseStatus,
    code: 'MISSING_FROM',
  },
  { name: 'no To', body: utf8(documentXml({ to: '' })), code: 'MISSING_TO' },
  {
    name: 'a To without OrganId',
    body: utf8(
      documentXml({ to: '<To><OrganId>A</OrganId></To><To><OrganName>B</OrganName></To>' }),
    ),
    code: 'MISSING_TO',
    details: { index: 1 },
  },
  {
    name: 'no DocumentId',
    body: utf8(documentXml({ documentId: '' })),
    code: 'EDXML_MISSING_ELEMENT',
    details: { element: 'MessageHeader/DocumentId' },
  },
  ...['4', 'new', '', '01'].map((value) => ({
    name: `BussinessDocType "${value}"`,
    body: utf8(
      documentXml({
        afterHeader:
          `<TraceHeaderList><Bussiness><BussinessDocType>${value}</BussinessDocType>` +
          '</Bussiness></TraceHeaderList>',
      }),
    ),
    code: 'EDXML_INVALID_VALUE',
    details: { element: 'TraceHeaderList/Bussiness/BussinessDocType' },
  })),
  ...['1', '001', 'AB', '', '٠١'].map((value) => ({
    name: `StatusCode "${value}"`,
    body: utf8(statusXml({ statusCode: `<StatusCode>${value}</StatusCode>` })),
    code: 'INVALID_STATUS_CODE',
  })),
  ...['000.00.00 G22', 'H41/01', 'Đà.Nẵng', SIXTY_FIVE].map((value) => ({
    name: `From/OrganId "${value.slice(0, 20)}"`,
    body: utf8(documentXml({ from: `<From><OrganId>${value}</OrganId></From>` })),
    code: 'EDXML_INVALID_VALUE',
    details: { element: 'MessageHeader/From/OrganId' },
  })),
  {
    name: 'a bad To/OrganId',
    body: utf8(documentXml({ to: '<To><OrganId>a&amp;b</OrganId></To>' })),
    code: 'EDXML_INVALID_VALUE',
    details: { element: 'MessageHeader/To/OrganId', value: 'a&b' },
  },
  {
    name: 'a bad ResponseFor/OrganId',
    body: utf8(
      statusXml({
        responseFor: '<ResponseFor><OrganId>*</OrganId><DocumentId>x</DocumentId></ResponseFor>',
      }),
    ),
    code: 'EDXML_INVALID_VALUE',
    details: { element: 'MessageHeader/ResponseFor/OrganId' },
  },
  {
    name: 'a status without ResponseFor',
    body: utf8(statusXml({ responseFor: '' })),
    code: 'EDXML_MISSING_ELEMENT',
    details: { element: 'MessageHeader/ResponseFor' },
  },
  {
    name: 'a ResponseFor without OrganId',
    body: utf8(statusXml({ responseFor: '<ResponseFor><DocumentId>x</DocumentId></ResponseFor>' })),
    code: 'EDXML_MISSING_ELEMENT',
    details: { element: 'MessageHeader/ResponseFor/OrganId' },
  },
  {
    name: 'a ResponseFor without DocumentId',
    body: utf8(statusXml({ responseFor: '<ResponseFor><OrganId>G22</OrganId></ResponseFor>' })),
    code: 'EDXML_MISSING_ELEMENT',
    details: { element: 'MessageHeader/ResponseFor/DocumentId' },
  },
  {
    name: 'an attachment without ContentId',
    body: utf8(
      documentXml({ afterEnvelope: '<AttachmentEncoded><Attachment/></AttachmentEncoded>' }),
    ),
    code: 'EDXML_MISSING_ELEMENT',
    details: { element: 'AttachmentEncoded/Attachment/ContentId' },
  },
  {
    name: 'a status given to parseDocument',
    body: utf8(statusXml()),
    parse: parseDocument,
    code: 'STATUS_SENT_AS_DOCUMENT',
  },
  {
    name: 'a document given to parseStatus',
    body: utf8(documentXml()),
    parse: parseStatus,
    code: 'DOCUMENT_SENT_AS_STATUS',
  },
  {
    name: 'elements nested more than 64 deep',
    body: utf8(documentXml({ more: nested(61) })),
    code: 'NOT_XML',
    shows: 'nested more than 64',
  },
];

describe('refusals', () => {
  it.each(REFUSALS)(
    'refuses $name with $code',
    ({ body, parse = parseEdxml, code, shows, details }) => {
      const error = refusal(() => parse(body));

      expect(error.code).toBe(code);
      expect(error.httpStatus).toBe(400);
      if (shows !== undefined) expect(error.message).toMatch(shows);
      if (details !== undefined) expect(error.details).toMatchObject(details);
    },
  );

  it('refuses a DTD before reading anything declared in it', () => {
    const body = utf8('<!DOCTYPE edXML [ this is not even a valid DTD ]><edXML/>');

    const error = refusal(() => parseEdxml(body));

    expect(error.code).toBe('XML_DTD_FORBIDDEN');
  });
});

describe('references that would not fit in a storage key', () => {
  const long = 'x'.repeat(256);

  it('refuses a DocumentId over 255 characters, naming the element', () => {
    const error = refusal(() =>
      parseDocument(utf8(documentXml({ documentId: `<DocumentId>${long}</DocumentId>` }))),
    );
    expect(error.code).toBe('EDXML_INVALID_VALUE');
    expect(error.details).toMatchObject({ element: 'MessageHeader/DocumentId' });
    expect(error.message).toContain('256 characters');
  });

  it('keeps a DocumentId of exactly 255 characters', () => {
    const id = 'y'.repeat(255);
    const parsed = parseDocument(
      utf8(documentXml({ documentId: `<DocumentId>${id}</DocumentId>` })),
    );
    expect(parsed.documentId).toBe(id);
  });

  it('refuses a long code in a document and a long ResponseFor in a status', () => {
    const code = refusal(() =>
      parseDocument(utf8(documentXml({ more: `<Code><CodeNumber>${long}</CodeNumber></Code>` }))),
    );
    expect(code.details).toMatchObject({ element: 'MessageHeader/Code/CodeNumber' });
    const status = refusal(() =>
      parseStatus(
        utf8(
          statusXml({
            responseFor:
              '<ResponseFor><OrganId>000.00.00.G22</OrganId>' +
              `<DocumentId>${long}</DocumentId></ResponseFor>`,
          }),
        ),
      ),
    );
    expect(status.code).toBe('EDXML_INVALID_VALUE');
    expect(status.details).toMatchObject({ element: 'MessageHeader/ResponseFor/DocumentId' });
  });
});
