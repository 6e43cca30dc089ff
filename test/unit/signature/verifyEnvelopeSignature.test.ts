import { generateKeyPairSync, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { SignedXml } from 'xml-crypto';
import { parseDocument } from '#shared/edxml/parseEdxml';
import { SIGNATURE_METHODS } from '#shared/signature/algorithms';
import { signEnvelope } from '#shared/signature/signEnvelope';
import { verifyEnvelopeSignature } from '#shared/signature/verifyEnvelopeSignature';
import type { TestCertificate, TestPki } from '../../support/testPki';
import { createTestPki } from '../../support/testPki';

const SAMPLES = new URL('../../../samples/edxml/', import.meta.url);
const SMALL_SAMPLE = 'dc0bdef0-c7a3-4aaf-b717-777303442973.edxml';
const SIGNED_SAMPLES = [SMALL_SAMPLE, 'edoc_new.edxml'];
const NOW = new Date('2025-06-01T00:00:00Z');

const EDXML_NS = 'http://www.mic.gov.vn/TBT/QCVN_102_2016';
const HEADER_XPATH =
  `/*[local-name()='edXML' and namespace-uri()='${EDXML_NS}']` +
  `/*[local-name()='edXMLEnvelope']/*[local-name()='edXMLHeader']`;
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
const SHA256 = 'http://www.w3.org/2001/04/xmlenc#sha256';
const SHA1 = 'http://www.w3.org/2000/09/xmldsig#sha1';
const RSA_SHA1 = 'http://www.w3.org/2000/09/xmldsig#rsa-sha1';

function sample(name: string): Buffer {
  return readFileSync(new URL(name, SAMPLES));
}

/** The sample without its placeholder signature: what a sender has before signing. */
function unsigned(name: string): string {
  return sample(name)
    .toString('utf8')
    .replace(/<Signature>[\s\S]*<\/Signature>/, '');
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function text(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes);
}

function base64(der: Uint8Array): string {
  return Buffer.from(der).toString('base64');
}

/** Replaces the first occurrence, failing loudly if the test's anchor text is gone. */
function replaceOnce(source: string, search: string, replacement: string): string {
  const at = source.indexOf(search);
  if (at < 0) throw new Error(`test anchor not found: ${search.slice(0, 40)}`);
  return source.slice(0, at) + replacement + source.slice(at + search.length);
}

/** Changes one base64 character inside the content of the first `element`. */
function flipInside(source: string, element: string, offset: number): string {
  const open = source.indexOf(`<${element}`);
  const start = source.indexOf('>', open) + 1 + offset;
  const current = source.charAt(start);
  const replacement = current === 'A' ? 'B' : 'A';
  return source.slice(0, start) + replacement + source.slice(start + 1);
}

interface RawSignature {
  readonly privateKey: string;
  readonly certificates: readonly Uint8Array[];
  readonly signatureAlgorithm: string;
  readonly digestAlgorithm: string;
}

/** Signs with xml-crypto directly, for algorithms signEnvelope rightly refuses. */
function signRaw(xml: string, raw: RawSignature): Uint8Array {
  const certificates = raw.certificates.map(
    (der) => `<X509Certificate>${base64(der)}</X509Certificate>`,
  );
  const signer = new SignedXml({
    privateKey: raw.privateKey,
    signatureAlgorithm: raw.signatureAlgorithm,
    canonicalizationAlgorithm: EXC_C14N,
    getKeyInfoContent: () => `<X509Data>${certificates.join('')}</X509Data>`,
  });
  signer.addReference({
    xpath: '/*',
    transforms: [ENVELOPED, EXC_C14N],
    digestAlgorithm: raw.digestAlgorithm,
    isEmptyUri: true,
  });
  signer.computeSignature(xml, { location: { reference: HEADER_XPATH, action: 'append' } });
  return utf8(signer.getSignedXml());
}

let pki: TestPki;
let stranger: TestCertificate;
const signed = new Map<string, string>();

beforeAll(async () => {
  pki = await createTestPki({ now: NOW });
  // Same name and issuer as the real signer, another key: what an impostor would embed.
  stranger = await pki.issueLeaf({ keys: await pki.generateKeys() });
  for (const name of SIGNED_SAMPLES) {
    const bytes = signEnvelope(sample(name), {
      privateKey: pki.leaf.privateKeyPem,
      certificateDer: pki.leaf.der,
      chainDer: [pki.intermediate.der],
    });
    signed.set(name, text(bytes));
  }
});

function signedText(name = SMALL_SAMPLE): string {
  return signed.get(name) as string;
}

function check(source: string | Uint8Array) {
  return verifyEnvelopeSignature(typeof source === 'string' ? utf8(source) : source, { now: NOW });
}

describe.each(SIGNED_SAMPLES)('%s signed by the test signer', (name) => {
  it('is valid, naming the signer and the algorithms', () => {
    const result = check(signedText(name));

    expect(result).toMatchObject({
      outcome: 'valid',
      signatureAlgorithm: SIGNATURE_METHODS.rsaSha256,
      digestAlgorithm: SHA256,
      checkedAt: NOW.toISOString(),
    });
    expect(result.reason).toBeUndefined();
    expect(result.signerCertificate).toEqual(pki.leaf.der);
    expect(result.embeddedCertificates).toEqual([pki.leaf.der, pki.intermediate.der]);
  });

  it('still parses as the same edXML document', () => {
    const document = parseDocument(utf8(signedText(name)));
    const original = parseDocument(sample(name));

    expect(document.signature).toEqual({ present: true, xmlDsigNamespace: true });
    expect({ ...document, signature: undefined }).toEqual({ ...original, signature: undefined });
  });

  it('is invalid once a byte of its attachment changes', () => {
    const source = signedText(name);
    const at = source.lastIndexOf('</edXML:ContentTransferEncoded>') - 100;
    const flipped = source.slice(0, at) + (source[at] === 'A' ? 'B' : 'A') + source.slice(at + 1);

    expect(check(flipped)).toMatchObject({ outcome: 'invalid', reason: 'DIGEST_MISMATCH' });
  });
});

describe('harmless variations of a valid signature', () => {
  it('finds the signer even when KeyInfo lists the chain from the top', () => {
    const reordered = replaceOnce(
      signedText(),
      `<X509Certificate>${base64(pki.leaf.der)}</X509Certificate>` +
        `<X509Certificate>${base64(pki.intermediate.der)}</X509Certificate>`,
      `<X509Certificate>${base64(pki.intermediate.der)}</X509Certificate>` +
        `<X509Certificate>${base64(pki.leaf.der)}</X509Certificate>`,
    );

    const result = check(reordered);

    expect(result.outcome).toBe('valid');
    expect(result.signerCertificate).toEqual(pki.leaf.der);
    expect(result.embeddedCertificates).toEqual([pki.leaf.der, pki.intermediate.der]);
  });

  it('accepts the signature wrapped in lines, as many signing tools write it', () => {
    const source = signedText();
    const open = source.indexOf('<SignatureValue>') + '<SignatureValue>'.length;
    const close = source.indexOf('</SignatureValue>');
    const value = source.slice(open, close);
    const wrapped = value.replace(/(.{64})/g, '$1\n');

    expect(check(source.slice(0, open) + wrapped + source.slice(close)).outcome).toBe('valid');
  });

  it('accepts a byte order mark before the declaration', () => {
    const bytes = utf8(`\uFEFF${signedText()}`);

    expect(check(bytes).outcome).toBe('valid');
  });
});

describe('samples as published', () => {
  it.each([
    ['dc0bdef0-c7a3-4aaf-b717-777303442973.edxml', 'invalid', 'NOT_XMLDSIG'],
    ['edoc_new.edxml', 'invalid', 'NOT_XMLDSIG'],
    ['edoc_revocation.edxml', 'invalid', 'NOT_XMLDSIG'],
    ['edoc_update.edxml', 'invalid', 'NOT_XMLDSIG'],
    ['edoc_replacement.edxml', 'invalid', 'NOT_XMLDSIG'],
    ['status.edxml', 'absent', undefined],
    ['status_inbox_01.edxml', 'absent', undefined],
    ['status_finish_06.edxml', 'absent', undefined],
  ])('%s → %s %s', (name, outcome, reason) => {
    const result = check(sample(name));

    expect(result.outcome).toBe(outcome);
    expect(result.reason).toBe(reason);
    expect(result.signerCertificate).toBeUndefined();
  });

  it('in the XML-DSig namespace, the placeholder fails on its misspelt C14N URI', () => {
    // The samples write http://www.w3.org/TR/xml-exc-c14n#, which names no algorithm.
    const moved = sample(SMALL_SAMPLE)
      .toString('utf8')
      .replace('<Signature>', '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">');

    expect(check(moved)).toMatchObject({
      outcome: 'invalid',
      reason: 'REFERENCE_NOT_ENVELOPE',
      signatureAlgorithm: RSA_SHA1,
    });
  });

  it('with the C14N URI corrected, the placeholder is refused for SHA-1', () => {
    const corrected = sample(SMALL_SAMPLE)
      .toString('utf8')
      .replace('<Signature>', '<Signature xmlns="http://www.w3.org/2000/09/xmldsig#">')
      .replace('http://www.w3.org/TR/xml-exc-c14n#', EXC_C14N);

    expect(check(corrected)).toMatchObject({
      outcome: 'unsupported-algorithm',
      reason: 'WEAK_ALGORITHM',
      signatureAlgorithm: RSA_SHA1,
      digestAlgorithm: SHA1,
    });
  });
});

describe('tampering with signed bytes', () => {
  it.each<{ what: string; tamper: (source: string) => string; reason: string }>([
    {
      what: 'one letter of the subject',
      tamper: (s) => replaceOnce(s, 'V/v kết nối', 'V/v kết nốj'),
      reason: 'DIGEST_MISMATCH',
    },
    {
      what: 'the sender OrganId',
      tamper: (s) =>
        replaceOnce(s, '000.00.00.G22</edXML:OrganId>', '000.00.00.G23</edXML:OrganId>'),
      reason: 'DIGEST_MISMATCH',
    },
    {
      what: 'a recipient OrganId',
      tamper: (s) => replaceOnce(s, '000.00.00.H41', '000.00.00.H42'),
      reason: 'DIGEST_MISMATCH',
    },
    {
      what: 'a character of the attachment base64',
      tamper: (s) => flipInside(s, 'edXML:ContentTransferEncoded', 700),
      reason: 'DIGEST_MISMATCH',
    },
    {
      what: 'the DigestValue inside SignedInfo',
      tamper: (s) => flipInside(s, 'DigestValue', 5),
      reason: 'DIGEST_MISMATCH',
    },
    {
      what: 'the whitespace inside SignedInfo',
      tamper: (s) => replaceOnce(s, '<SignatureMethod', '\n<SignatureMethod'),
      reason: 'SIGNATURE_MISMATCH',
    },
    {
      what: 'the start of SignatureValue',
      tamper: (s) => flipInside(s, 'SignatureValue', 10),
      reason: 'SIGNATURE_MISMATCH',
    },
    {
      what: 'the end of SignatureValue',
      tamper: (s) => flipInside(s, 'SignatureValue', 340),
      reason: 'SIGNATURE_MISMATCH',
    },
    {
      what: 'an attribute of the manifest',
      tamper: (s) => replaceOnce(s, 'edXMLManifest version="1.0"', 'edXMLManifest version="1.1"'),
      reason: 'DIGEST_MISMATCH',
    },
    {
      what: 'the body, by adding an element',
      tamper: (s) => replaceOnce(s, '</edXML:edXMLBody>', '<edXML:Extra/></edXML:edXMLBody>'),
      reason: 'DIGEST_MISMATCH',
    },
  ])('changing $what → invalid $reason', ({ tamper, reason }) => {
    const result = check(tamper(signedText()));

    expect(result.outcome).toBe('invalid');
    expect(result.reason).toBe(reason);
    expect(result.signerCertificate).toBeUndefined();
  });

  it('ignores insignificant changes that canonicalisation removes', () => {
    const source = signedText();
    const swapped = replaceOnce(source, 'version="1.0"', "version='1.0'");

    expect(check(swapped).outcome).toBe('valid');
  });
});

describe('the signer certificate', () => {
  it('refuses a certificate of another key swapped into KeyInfo', () => {
    const swapped = replaceOnce(signedText(), base64(pki.leaf.der), base64(stranger.der));

    expect(check(swapped)).toMatchObject({ outcome: 'invalid', reason: 'SIGNATURE_MISMATCH' });
  });

  it('refuses a signature with no certificate', () => {
    const source = signedText();
    const bare = source.replace(/<KeyInfo>[\s\S]*<\/KeyInfo>/, '');

    expect(check(bare)).toMatchObject({ outcome: 'invalid', reason: 'NO_CERTIFICATE' });
  });

  it('refuses a bare KeyValue in place of a certificate', () => {
    const source = signedText();
    const keyValue = source.replace(
      /<KeyInfo>[\s\S]*<\/KeyInfo>/,
      '<KeyInfo><KeyValue><RSAKeyValue><Modulus>AQAB</Modulus>' +
        '<Exponent>AQAB</Exponent></RSAKeyValue></KeyValue></KeyInfo>',
    );

    expect(check(keyValue)).toMatchObject({ outcome: 'invalid', reason: 'NO_CERTIFICATE' });
  });

  it.each([
    ['empty', ''],
    ['not base64', '!!!!'],
    ['base64 of garbage', Buffer.from('not a certificate').toString('base64')],
    [
      'with trailing bytes',
      `${Buffer.concat([Buffer.from([0x30, 0x03, 1, 1, 0])]).toString('base64')}`,
    ],
  ])('refuses an X509Certificate that is %s', (_what, value) => {
    const source = replaceOnce(signedText(), base64(pki.leaf.der), value);

    expect(check(source)).toMatchObject({ outcome: 'invalid', reason: 'MALFORMED_CERTIFICATE' });
  });

  it('ignores X509Certificate elements outside KeyInfo/X509Data', () => {
    const source = signedText();
    const moved = source.replace(
      /<KeyInfo>[\s\S]*<\/KeyInfo>/,
      '<KeyInfo><KeyName>' +
        `<X509Certificate>${base64(pki.leaf.der)}</X509Certificate>` +
        '</KeyName></KeyInfo>',
    );

    expect(check(moved)).toMatchObject({ outcome: 'invalid', reason: 'NO_CERTIFICATE' });
  });
});

describe('algorithms', () => {
  it('calls an rsa-sha1 signature unsupported, however valid', () => {
    const bytes = signRaw(unsigned(SMALL_SAMPLE), {
      privateKey: pki.leaf.privateKeyPem,
      certificates: [pki.leaf.der],
      signatureAlgorithm: RSA_SHA1,
      digestAlgorithm: SHA1,
    });

    expect(check(bytes)).toMatchObject({
      outcome: 'unsupported-algorithm',
      reason: 'WEAK_ALGORITHM',
      signatureAlgorithm: RSA_SHA1,
      digestAlgorithm: SHA1,
    });
  });

  it('calls a SHA-1 digest under rsa-sha256 unsupported', () => {
    const bytes = signRaw(unsigned(SMALL_SAMPLE), {
      privateKey: pki.leaf.privateKeyPem,
      certificates: [pki.leaf.der],
      signatureAlgorithm: SIGNATURE_METHODS.rsaSha256,
      digestAlgorithm: SHA1,
    });

    expect(check(bytes)).toMatchObject({
      outcome: 'unsupported-algorithm',
      reason: 'WEAK_ALGORITHM',
      digestAlgorithm: SHA1,
    });
  });

  it.each([
    [
      'RSA-PSS (xml-crypto has it, the axis does not list it)',
      'http://www.w3.org/2007/05/xmldsig-more#sha256-rsa-MGF1',
    ],
    [
      'HMAC, which would turn the certificate into a shared secret',
      'http://www.w3.org/2000/09/xmldsig#hmac-sha1',
    ],
    ['a made-up URI', 'urn:example:rot13'],
  ])('calls SignatureMethod %s unknown', (_what, uri) => {
    const source = replaceOnce(signedText(), SIGNATURE_METHODS.rsaSha256, uri);

    expect(check(source)).toMatchObject({
      outcome: 'unsupported-algorithm',
      reason: 'UNKNOWN_ALGORITHM',
      signatureAlgorithm: uri,
    });
  });

  it.each([
    ['DigestMethod', SHA256, 'http://www.w3.org/2001/04/xmldsig-more#sha224'],
    [
      'CanonicalizationMethod',
      `<CanonicalizationMethod Algorithm="${EXC_C14N}"`,
      '<CanonicalizationMethod Algorithm="http://www.w3.org/2006/12/xml-c14n11"',
    ],
  ])('calls an unknown %s unsupported', (_what, from, to) => {
    const source = replaceOnce(signedText(), from, to);

    expect(check(source)).toMatchObject({
      outcome: 'unsupported-algorithm',
      reason: 'UNKNOWN_ALGORITHM',
    });
  });

  it.each([SIGNATURE_METHODS.rsaSha384, SIGNATURE_METHODS.rsaSha512])('accepts %s', (method) => {
    const bytes = signEnvelope(
      unsigned(SMALL_SAMPLE),
      {
        privateKey: pki.leaf.privateKeyPem,
        certificateDer: pki.leaf.der,
      },
      { signatureAlgorithm: method },
    );

    expect(check(bytes)).toMatchObject({ outcome: 'valid', signatureAlgorithm: method });
  });

  it.each([
    ['P-256', SIGNATURE_METHODS.ecdsaSha256],
    ['P-384', SIGNATURE_METHODS.ecdsaSha384],
  ])('accepts ECDSA on %s', async (namedCurve, method) => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve }, true, [
      'sign',
      'verify',
    ])) as webcrypto.CryptoKeyPair;
    const ecLeaf = await pki.issueLeaf({ keys });
    const bytes = signEnvelope(
      unsigned(SMALL_SAMPLE),
      {
        privateKey: keys.privateKey,
        certificateDer: ecLeaf.der,
      },
      { signatureAlgorithm: method },
    );

    expect(check(bytes)).toMatchObject({ outcome: 'valid', signatureAlgorithm: method });
    expect(check(flipInside(text(bytes), 'SignatureValue', 3))).toMatchObject({
      outcome: 'invalid',
      reason: 'SIGNATURE_MISMATCH',
    });
  });

  it('refuses an RSA signature relabelled as ECDSA', () => {
    const source = replaceOnce(
      signedText(),
      SIGNATURE_METHODS.rsaSha256,
      SIGNATURE_METHODS.ecdsaSha256,
    );

    expect(check(source)).toMatchObject({ outcome: 'invalid', reason: 'KEY_ALGORITHM_MISMATCH' });
  });

  it('calls a 1024-bit RSA key too weak', async () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const algorithm = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    const weakLeaf = await pki.issueLeaf({
      keys: {
        privateKey: await webcrypto.subtle.importKey(
          'pkcs8',
          privateKey.export({ format: 'der', type: 'pkcs8' }),
          algorithm,
          true,
          ['sign'],
        ),
        publicKey: await webcrypto.subtle.importKey(
          'spki',
          publicKey.export({ format: 'der', type: 'spki' }),
          algorithm,
          true,
          ['verify'],
        ),
      },
    });
    const bytes = signRaw(unsigned(SMALL_SAMPLE), {
      privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
      certificates: [weakLeaf.der],
      signatureAlgorithm: SIGNATURE_METHODS.rsaSha256,
      digestAlgorithm: SHA256,
    });

    expect(check(bytes)).toMatchObject({ outcome: 'unsupported-algorithm', reason: 'WEAK_KEY' });
  });
});

describe('bytes the axis refuses to read', () => {
  it.each<[string, string | Uint8Array, string]>([
    [
      'a DOCTYPE',
      `<?xml version="1.0"?>\n<!DOCTYPE edXML [<!ENTITY x "y">]>\n<edXML/>`,
      'DTD_FORBIDDEN',
    ],
    ['no XML at all', 'hello', 'NOT_WELL_FORMED'],
    ['an empty body', '', 'NOT_WELL_FORMED'],
    [
      'invalid UTF-8',
      new Uint8Array([0x3c, 0x61, 0x3e, 0xff, 0x3c, 0x2f, 0x61, 0x3e]),
      'NOT_WELL_FORMED',
    ],
    ['an unclosed element', '<edXML xmlns="urn:x"><a></edXML>', 'NOT_WELL_FORMED'],
    ['another root element', '<Other xmlns="urn:x"/>', 'NOT_EDXML'],
  ])('refuses %s', (_what, source, reason) => {
    expect(check(source)).toMatchObject({ outcome: 'invalid', reason });
  });

  it('refuses a DOCTYPE in front of a validly signed document', () => {
    const source = signedText().replace('?>', '?>\n<!DOCTYPE edXML>');

    expect(check(source)).toMatchObject({ outcome: 'invalid', reason: 'DTD_FORBIDDEN' });
  });

  it.each([
    ['U+2028', '\u2028'],
    ['U+2029', '\u2029'],
    ['U+0085', '\u0085'],
  ])('refuses raw %s, which verifiers and readers disagree on', (_name, character) => {
    const source = replaceOnce(signedText(), 'V/v kết nối', `V/v kết${character}nối`);

    expect(check(source)).toMatchObject({ outcome: 'invalid', reason: 'AMBIGUOUS_LINE_END' });
  });

  it('never quotes document content in its detail', () => {
    const source = replaceOnce(signedText(), 'UBND Tỉnh Nghệ An', 'UBND Tỉnh Nghệ Ax');
    const result = check(source);

    expect(result.detail).toBeDefined();
    expect(result.detail).not.toMatch(/Nghệ|000\.00|VPCP/);
  });
});
