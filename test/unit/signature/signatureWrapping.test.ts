/**
 * Signature-wrapping and comment-injection attempts on a validly signed
 * document. None of them may ever come out `valid`; each is refused for the
 * specific reason the rule that catches it gives.
 */
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import { signEnvelope } from '#shared/signature/signEnvelope';
import { verifyEnvelopeSignature } from '#shared/signature/verifyEnvelopeSignature';
import type { TestPki } from '../../support/testPki';
import { createTestPki } from '../../support/testPki';

const SAMPLE = new URL(
  '../../../samples/edxml/dc0bdef0-c7a3-4aaf-b717-777303442973.edxml',
  import.meta.url,
);
const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const DSIG_NS = 'http://www.w3.org/2000/09/xmldsig#';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
/** The samples bind `edXML:` on the envelope only; copies moved outside it need their own. */
const EDXML_PREFIX = `xmlns:edXML="${EDXML_NS}"`;

let pki: TestPki;
let signed: string;

beforeAll(async () => {
  pki = await createTestPki({ now: new Date('2025-06-01T00:00:00Z') });
  const bytes = signEnvelope(readFileSync(SAMPLE), {
    privateKey: pki.leaf.privateKeyPem,
    certificateDer: pki.leaf.der,
  });
  signed = new TextDecoder().decode(bytes);
});

function check(source: string) {
  return verifyEnvelopeSignature(new TextEncoder().encode(source));
}

function between(source: string, open: string, close: string): string {
  const start = source.indexOf(open);
  const end = source.indexOf(close, start) + close.length;
  if (start < 0 || end < close.length) throw new Error(`test anchor not found: ${open}`);
  return source.slice(start, end);
}

function replaceOnce(source: string, search: string, replacement: string): string {
  const at = source.indexOf(search);
  if (at < 0) throw new Error(`test anchor not found: ${search.slice(0, 40)}`);
  return source.slice(0, at) + replacement + source.slice(at + search.length);
}

const header = () => between(signed, '<edXML:edXMLHeader>', '</edXML:edXMLHeader>');
const signature = () => between(signed, '<Signature ', '</Signature>');
const forged = (source: string) =>
  source.replace('000.00.00.G22</edXML:OrganId>', '000.00.00.G99</edXML:OrganId>');

describe('wrapping the signed header', () => {
  it('starts from a document that verifies', () => {
    expect(check(signed).outcome).toBe('valid');
  });

  it.each<{ what: string; wrap: () => string; reason: string }>([
    {
      what: 'an altered header first, the signed one moved after it',
      wrap: () =>
        replaceOnce(signed, header(), forged(header()).replace(signature(), '') + header()),
      reason: 'SIGNATURE_MISPLACED',
    },
    {
      what: 'an altered header carrying a copy of the signature, the signed one after it',
      wrap: () => replaceOnce(signed, header(), forged(header()) + header()),
      reason: 'MULTIPLE_SIGNATURES',
    },
    {
      what: 'the signed header hidden in an attachment, an altered one in its place',
      wrap: () =>
        replaceOnce(
          replaceOnce(signed, header(), forged(header())),
          '</AttachmentEncoded>',
          `<Hidden ${EDXML_PREFIX}>${header()}</Hidden></AttachmentEncoded>`,
        ),
      reason: 'MULTIPLE_SIGNATURES',
    },
    {
      what: 'the signed header hidden without its signature, an altered one in its place',
      wrap: () =>
        replaceOnce(
          replaceOnce(signed, header(), forged(header())),
          '</AttachmentEncoded>',
          `<Hidden ${EDXML_PREFIX}>${header().replace(signature(), '')}</Hidden>` +
            '</AttachmentEncoded>',
        ),
      reason: 'DIGEST_MISMATCH',
    },
    {
      what: 'an altered second header after the signed one',
      wrap: () =>
        replaceOnce(signed, header(), header() + forged(header()).replace(signature(), '')),
      reason: 'DIGEST_MISMATCH',
    },
    {
      what: 'the signature moved into MessageHeader',
      wrap: () =>
        replaceOnce(
          signed.replace(signature(), ''),
          '</edXML:MessageHeader>',
          `${signature()}</edXML:MessageHeader>`,
        ),
      reason: 'SIGNATURE_MISPLACED',
    },
    {
      what: 'the signature moved into the body',
      wrap: () =>
        replaceOnce(
          signed.replace(signature(), ''),
          '</edXML:edXMLBody>',
          `${signature()}</edXML:edXMLBody>`,
        ),
      reason: 'SIGNATURE_MISPLACED',
    },
    {
      what: 'the whole signed document wrapped in a new root',
      wrap: () =>
        `<Wrapper xmlns="urn:attacker">${signed.replace(/^<\?xml[^>]*\?>/, '')}</Wrapper>`,
      reason: 'NOT_EDXML',
    },
  ])('$what → $reason', ({ wrap, reason }) => {
    const result = check(wrap());

    expect(result.outcome).toBe('invalid');
    expect(result.reason).toBe(reason);
  });
});

describe('a second signature', () => {
  it.each<{ what: string; add: () => string }>([
    {
      what: 'a copy beside the first',
      add: () => replaceOnce(signed, signature(), signature() + signature()),
    },
    {
      what: 'a copy in the attachment block',
      add: () => replaceOnce(signed, '</AttachmentEncoded>', `${signature()}</AttachmentEncoded>`),
    },
    {
      what: 'an empty ds:Signature in the body',
      add: () =>
        replaceOnce(
          signed,
          '</edXML:edXMLBody>',
          `<ds:Signature xmlns:ds="${DSIG_NS}"/></edXML:edXMLBody>`,
        ),
    },
    {
      what: 'a placeholder Signature of the edXML namespace beside the real one',
      add: () => replaceOnce(signed, signature(), `<edXML:Signature/>${signature()}`),
    },
  ])('$what → MULTIPLE_SIGNATURES', ({ add }) => {
    expect(check(add())).toMatchObject({ outcome: 'invalid', reason: 'MULTIPLE_SIGNATURES' });
  });

  it.each(['SignedInfo', 'SignatureValue'])(
    'a stray %s elsewhere → MULTIPLE_SIGNATURES (xml-crypto finds some parts by name)',
    (name) => {
      const source = replaceOnce(
        signed,
        '</edXML:edXMLBody>',
        `<x:${name} xmlns:x="urn:attacker"/></edXML:edXMLBody>`,
      );

      expect(check(source)).toMatchObject({ outcome: 'invalid', reason: 'MULTIPLE_SIGNATURES' });
    },
  );
});

describe('references that do not cover the envelope', () => {
  /** Signs with a Reference to an element by Id, as wrapping attacks need. */
  function signReferenceTo(
    xml: string,
    xpath: string,
    transforms: string[],
    canonicalization = EXC_C14N,
  ): string {
    const signer = new SignedXml({
      privateKey: pki.leaf.privateKeyPem,
      signatureAlgorithm: RSA_SHA256,
      canonicalizationAlgorithm: canonicalization,
      getKeyInfoContent: () =>
        `<X509Data><X509Certificate>${Buffer.from(pki.leaf.der).toString('base64')}` +
        '</X509Certificate></X509Data>',
    });
    signer.addReference({ xpath, transforms, digestAlgorithm: SHA256, isEmptyUri: xpath === '/*' });
    signer.computeSignature(xml, {
      location: {
        reference: `//*[local-name()='edXMLHeader' and namespace-uri()='${EDXML_NS}']`,
        action: 'append',
      },
    });
    return signer.getSignedXml();
  }

  const unsigned = () => signed.replace(signature(), '');

  it('a Reference URI="#x" to the message header, then the header swapped → never valid', () => {
    const withId = unsigned().replace('<edXML:MessageHeader>', '<edXML:MessageHeader Id="x">');
    const byId = signReferenceTo(withId, "//*[@Id='x']", [ENVELOPED, EXC_C14N]);
    // The signed header moves into a hiding place; an altered copy takes its place.
    const messageHeader = between(byId, '<edXML:MessageHeader Id="x">', '</edXML:MessageHeader>');
    const wrapped = replaceOnce(
      replaceOnce(byId, messageHeader, forged(messageHeader).replace(' Id="x"', '')),
      '</AttachmentEncoded>',
      `<Hidden ${EDXML_PREFIX}>${messageHeader}</Hidden></AttachmentEncoded>`,
    );

    expect(check(byId)).toMatchObject({ outcome: 'invalid', reason: 'REFERENCE_NOT_ENVELOPE' });
    expect(check(wrapped)).toMatchObject({ outcome: 'invalid', reason: 'REFERENCE_NOT_ENVELOPE' });
  });

  it.each<{ what: string; change: (source: string) => string }>([
    {
      what: 'only the enveloped-signature transform',
      change: (s) => replaceOnce(s, `<Transform Algorithm="${EXC_C14N}"/>`, ''),
    },
    {
      what: 'the transforms in reverse order',
      change: (s) =>
        replaceOnce(
          s,
          `<Transform Algorithm="${ENVELOPED}"/><Transform Algorithm="${EXC_C14N}"/>`,
          `<Transform Algorithm="${EXC_C14N}"/><Transform Algorithm="${ENVELOPED}"/>`,
        ),
    },
    {
      what: 'an XPath transform added',
      change: (s) =>
        replaceOnce(
          s,
          '</Transforms>',
          '<Transform Algorithm="http://www.w3.org/TR/1999/REC-xpath-19991116">' +
            '<XPath>not(ancestor-or-self::*)</XPath></Transform></Transforms>',
        ),
    },
    {
      what: 'an XPath parameter under the canonicalisation',
      change: (s) =>
        replaceOnce(
          s,
          `<Transform Algorithm="${EXC_C14N}"/>`,
          `<Transform Algorithm="${EXC_C14N}"><XPath>self::x</XPath></Transform>`,
        ),
    },
    {
      what: 'no Transforms at all',
      change: (s) => replaceOnce(s, between(s, '<Transforms>', '</Transforms>'), ''),
    },
    {
      what: 'a URI naming an element',
      change: (s) => replaceOnce(s, 'Reference URI=""', 'Reference URI="#x"'),
    },
    { what: 'no URI attribute', change: (s) => replaceOnce(s, 'Reference URI=""', 'Reference') },
    {
      what: 'an XPointer to the root',
      change: (s) => replaceOnce(s, 'Reference URI=""', 'Reference URI="#xpointer(/)"'),
    },
  ])('a Reference with $what → REFERENCE_NOT_ENVELOPE', ({ change }) => {
    expect(check(change(signed))).toMatchObject({
      outcome: 'invalid',
      reason: 'REFERENCE_NOT_ENVELOPE',
    });
  });

  it('a second Reference → REFERENCE_NOT_ENVELOPE', () => {
    const reference = between(signed, '<Reference ', '</Reference>');
    const source = replaceOnce(signed, reference, reference + reference);

    expect(check(source)).toMatchObject({ outcome: 'invalid', reason: 'REFERENCE_NOT_ENVELOPE' });
  });

  it.each([
    ['inclusive C14N 1.0', C14N],
    ['inclusive C14N 1.0 with comments', `${C14N}#WithComments`],
    ['exclusive C14N with comments', `${EXC_C14N}WithComments`],
  ])('%s, in SignedInfo and as the reference transform, is accepted', (_name, c14n) => {
    const source = signReferenceTo(unsigned(), '/*', [ENVELOPED, c14n], c14n);

    expect(source).toContain('Reference URI=""');
    expect(check(source).outcome).toBe('valid');
  });
});

describe('comments in signed text', () => {
  it.each<{ what: string; from: string; to: string }>([
    {
      what: 'an empty comment splitting the sender OrganId',
      from: '000.00.00.G22</edXML:OrganId>',
      to: '000.00.00.G<!---->22</edXML:OrganId>',
    },
    {
      what: 'a comment adding text after the OrganId',
      from: '000.00.00.G22</edXML:OrganId>',
      to: '000.00.00.G22<!---->X</edXML:OrganId>',
    },
    {
      what: 'a comment inside the subject',
      from: 'V/v kết nối',
      to: 'V/v kết<!-- x --> nối',
    },
  ])('$what → COMMENT_IN_TEXT', ({ from, to }) => {
    expect(check(replaceOnce(signed, from, to))).toMatchObject({
      outcome: 'invalid',
      reason: 'COMMENT_IN_TEXT',
    });
  });

  it('a comment between elements changes nothing that is read, and is allowed', () => {
    const source = replaceOnce(signed, '<edXML:To>', '<!-- recipients --><edXML:To>');

    expect(check(source).outcome).toBe('valid');
  });

  it('a comment inside the signature → MALFORMED_SIGNATURE', () => {
    const source = replaceOnce(signed, '<SignedInfo>', '<SignedInfo><!-- c -->');

    expect(check(source)).toMatchObject({ outcome: 'invalid', reason: 'MALFORMED_SIGNATURE' });
  });
});

describe('the shape of the signature', () => {
  it.each<{ what: string; change: (source: string) => string }>([
    {
      what: 'an Object with content',
      change: (s) => replaceOnce(s, '</KeyInfo>', '</KeyInfo><Object><Anything/></Object>'),
    },
    {
      what: 'no SignedInfo',
      change: (s) => s.replace(between(s, '<SignedInfo>', '</SignedInfo>'), ''),
    },
    {
      what: 'no SignatureValue',
      change: (s) => s.replace(between(s, '<SignatureValue>', '</SignatureValue>'), ''),
    },
    {
      what: 'two SignedInfo elements',
      change: (s) =>
        replaceOnce(
          s,
          '<SignedInfo>',
          `${between(s, '<SignedInfo>', '</SignedInfo>')}<SignedInfo>`,
        ),
    },
    {
      what: 'a SignatureValue that is not base64',
      change: (s) => s.replace(/<SignatureValue>[^<]*</, '<SignatureValue>not base64!<'),
    },
    {
      what: 'text inside SignedInfo',
      change: (s) => replaceOnce(s, '<SignedInfo>', '<SignedInfo>text'),
    },
    {
      what: 'a foreign element inside SignedInfo',
      change: (s) => replaceOnce(s, '<SignedInfo>', '<SignedInfo><x:Extra xmlns:x="urn:x"/>'),
    },
    {
      what: 'a SignatureMethod without Algorithm',
      change: (s) => s.replace(/<SignatureMethod Algorithm="[^"]*"/, '<SignatureMethod'),
    },
    {
      what: 'a SignedInfo hidden in KeyInfo',
      change: (s) => replaceOnce(s, '<KeyInfo>', '<KeyInfo><KeyName><SignedInfo/></KeyName>'),
    },
    {
      what: 'a second SignatureValue hidden in KeyInfo',
      change: (s) =>
        replaceOnce(
          s,
          '<KeyInfo>',
          '<KeyInfo><x:SignatureValue xmlns:x="urn:x">AAAA</x:SignatureValue>',
        ),
    },
    {
      what: 'an HMACOutputLength under SignatureMethod',
      change: (s) =>
        s.replace(
          /<SignatureMethod (Algorithm="[^"]*")\/>/,
          '<SignatureMethod $1><HMACOutputLength>80</HMACOutputLength></SignatureMethod>',
        ),
    },
  ])('$what → MALFORMED_SIGNATURE', ({ change }) => {
    expect(check(change(signed))).toMatchObject({
      outcome: 'invalid',
      reason: 'MALFORMED_SIGNATURE',
    });
  });

  it('a ds: prefix instead of a default namespace is fine', () => {
    const signer = new SignedXml({
      privateKey: pki.leaf.privateKeyPem,
      signatureAlgorithm: RSA_SHA256,
      canonicalizationAlgorithm: EXC_C14N,
      getKeyInfoContent: ({ prefix } = {}) =>
        `<${prefix}:X509Data><${prefix}:X509Certificate>` +
        `${Buffer.from(pki.leaf.der).toString('base64')}` +
        `</${prefix}:X509Certificate></${prefix}:X509Data>`,
    });
    signer.addReference({
      xpath: '/*',
      transforms: [ENVELOPED, EXC_C14N],
      digestAlgorithm: SHA256,
      isEmptyUri: true,
    });
    signer.computeSignature(signed.replace(signature(), ''), {
      prefix: 'ds',
      location: {
        reference: `//*[local-name()='edXMLHeader' and namespace-uri()='${EDXML_NS}']`,
        action: 'append',
      },
    });
    const prefixed = signer.getSignedXml();

    expect(prefixed).toContain('<ds:Signature xmlns:ds=');
    expect(check(prefixed).outcome).toBe('valid');
  });
});
