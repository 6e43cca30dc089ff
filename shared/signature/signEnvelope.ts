/**
 * Signs an edXML document the way {@link verifyEnvelopeSignature} expects:
 * an enveloped XML-DSig signature over the whole document (Reference URI=""),
 * exclusive C14N, placed as the last child of `edXMLHeader`, with the
 * signer's certificate (and chain, if given) in KeyInfo. For tests, demos and
 * tools; agencies sign with their own software.
 */
import type { KeyObject, webcrypto } from 'node:crypto';
import { createPrivateKey, createPublicKey, KeyObject as NodeKeyObject } from 'node:crypto';
import type { Element } from '@xmldom/xmldom';
import { XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';
import { parseEdxml } from '../edxml/parseEdxml';
import { EDXML_NAMESPACE } from '../edxml/types';
import type { SignatureMethodUri } from './algorithms';
import {
  CANONICALIZATIONS,
  DIGEST_METHODS,
  ENVELOPED_SIGNATURE,
  hashAlgorithms,
  judgeKey,
  SIGNATURE_METHODS,
  signatureAlgorithms,
  signatureMethodSpec,
} from './algorithms';
import { parseCertificate } from './certificates';
import { sameBytes } from './der';
import { XMLDSIG_NAMESPACE } from './types';
import { verifyEnvelopeSignature } from './verifyEnvelopeSignature';
import { childElements, firstChild, isXmlWhitespace, parseStrictXml, TEXT_NODE } from './xmlDom';

/** Who signs: a private key, given one way or the other, and its certificate. */
export type EnvelopeSigner = SignerCertificates &
  (
    | {
        /** PKCS#8 or PKCS#1 PEM. */
        readonly privateKeyPem: string;
        readonly privateKey?: never;
      }
    | {
        /** A Node KeyObject, a WebCrypto CryptoKey or a PEM string. */
        readonly privateKey: string | KeyObject | webcrypto.CryptoKey;
        readonly privateKeyPem?: never;
      }
  );

export interface SignerCertificates {
  /** DER of the certificate of the signing key. */
  readonly certificateDer: Uint8Array;
  /** DER of the issuing CAs, leaf's issuer first, to embed after the certificate. */
  readonly chainDer?: readonly Uint8Array[];
}

export interface SignEnvelopeOptions {
  /** Default rsa-sha256; the digest uses the same hash. */
  readonly signatureAlgorithm?: SignatureMethodUri;
}

/** XPath to the header, matched by namespace like the axis's parser does. */
const HEADER_XPATH =
  `/*[local-name()='edXML' and namespace-uri()='${EDXML_NAMESPACE}']` +
  `/*[local-name()='edXMLEnvelope' and namespace-uri()='${EDXML_NAMESPACE}'][1]` +
  `/*[local-name()='edXMLHeader' and namespace-uri()='${EDXML_NAMESPACE}'][1]`;

/**
 * Returns `xml` signed by `signer`, as UTF-8 bytes.
 *
 * A `Signature` of another namespace in `edXMLHeader` (the placeholders real
 * senders and the samples carry) is removed first. The output is checked with
 * {@link verifyEnvelopeSignature} before it is returned.
 *
 * @example
 * const signed = signEnvelope(readFileSync('edoc_new.edxml'), {
 *   privateKeyPem: leaf.privateKeyPem,
 *   certificateDer: leaf.der,
 *   chainDer: [intermediate.der],
 * });
 *
 * @throws AxisError when `xml` is not an edXML message; Error when it already
 *   carries an XML-DSig signature or the key does not match the certificate.
 */
export function signEnvelope(
  xml: string | Uint8Array,
  signer: EnvelopeSigner,
  options: SignEnvelopeOptions = {},
): Uint8Array {
  const bytes = typeof xml === 'string' ? new TextEncoder().encode(xml) : xml;
  parseEdxml(bytes);
  const method = options.signatureAlgorithm ?? SIGNATURE_METHODS.rsaSha256;
  const spec = signatureMethodSpec(method);
  if (spec === undefined) throw new Error(`unsupported signature algorithm ${method}`);
  const privateKey = toKeyObject(signer.privateKeyPem ?? signer.privateKey);
  checkKeyMatchesCertificate(privateKey, signer.certificateDer);
  if (judgeKey(spec, createPublicKey(privateKey)) !== 'ok') {
    throw new Error(`the key does not fit ${method}`);
  }

  const signed = new SignedXml({
    privateKey,
    signatureAlgorithm: method,
    canonicalizationAlgorithm: CANONICALIZATIONS.excC14n,
    getKeyInfoContent: ({ prefix } = {}) =>
      keyInfoContent([signer.certificateDer, ...(signer.chainDer ?? [])], prefix),
  });
  signed.SignatureAlgorithms = signatureAlgorithms();
  signed.HashAlgorithms = hashAlgorithms();
  signed.addReference({
    xpath: '/*',
    transforms: [ENVELOPED_SIGNATURE, CANONICALIZATIONS.excC14n],
    digestAlgorithm: DIGEST_METHODS[spec.hash],
    isEmptyUri: true,
  });
  signed.computeSignature(withoutPlaceholder(new TextDecoder().decode(bytes)), {
    location: { reference: HEADER_XPATH, action: 'append' },
  });

  const output = new TextEncoder().encode(signed.getSignedXml());
  const check = verifyEnvelopeSignature(output);
  if (check.outcome !== 'valid') {
    throw new Error(`the signed document does not verify (${check.reason})`);
  }
  return output;
}

function toKeyObject(key: string | KeyObject | webcrypto.CryptoKey | undefined): KeyObject {
  if (key === undefined) throw new TypeError('the signer has no private key');
  if (typeof key === 'string') return createPrivateKey(key);
  if (key instanceof NodeKeyObject) return key;
  return NodeKeyObject.from(key);
}

function checkKeyMatchesCertificate(privateKey: KeyObject, certificateDer: Uint8Array): void {
  const fromKey = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const fromCertificate = parseCertificate(certificateDer).publicKey.export({
    format: 'der',
    type: 'spki',
  });
  if (!sameBytes(fromKey, fromCertificate)) {
    throw new Error('the private key does not belong to the certificate');
  }
}

/**
 * Drops a non-XML-DSig `Signature` child of the header, with the whitespace
 * before it. Text in, text out: only when there is something to drop is the
 * document serialised again, and it is being re-signed anyway.
 */
function withoutPlaceholder(text: string): string {
  const doc = parseStrictXml(text);
  const envelope = doc.documentElement
    ? firstChild(doc.documentElement, EDXML_NAMESPACE, 'edXMLEnvelope')
    : undefined;
  const header = envelope ? firstChild(envelope, EDXML_NAMESPACE, 'edXMLHeader') : undefined;
  if (!header) throw new Error('no edXMLHeader to sign into');
  if (doc.getElementsByTagNameNS(XMLDSIG_NAMESPACE, 'Signature').length > 0) {
    throw new Error('the document already carries an XML-DSig signature');
  }
  const placeholders = childElements(header).filter((child) => child.localName === 'Signature');
  if (placeholders.length === 0) return text;
  for (const placeholder of placeholders) removeWithLeadingSpace(placeholder);
  return new XMLSerializer().serializeToString(doc);
}

function removeWithLeadingSpace(element: Element): void {
  const before = element.previousSibling;
  if (before?.nodeType === TEXT_NODE && isXmlWhitespace(before.nodeValue ?? '')) {
    before.parentNode?.removeChild(before);
  }
  element.parentNode?.removeChild(element);
}

function keyInfoContent(certificates: readonly Uint8Array[], prefix?: string | null): string {
  const tag = prefix ? `${prefix}:` : '';
  const item = (der: Uint8Array) => Buffer.from(der).toString('base64');
  const items = certificates
    .map((der) => `<${tag}X509Certificate>${item(der)}</${tag}X509Certificate>`)
    .join('');
  return `<${tag}X509Data>${items}</${tag}X509Data>`;
}
