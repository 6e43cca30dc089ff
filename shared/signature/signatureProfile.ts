/**
 * Reads an XML-DSig `Signature` element against the one profile the axis
 * accepts: an enveloped signature whose single Reference covers the whole
 * document. Everything is checked by namespace, position and count before
 * xml-crypto sees it, because xml-crypto finds several parts by local name
 * anywhere below `Signature` and takes the first it meets.
 */
import type { Element, Node } from '@xmldom/xmldom';
import { ENVELOPED_SIGNATURE, EXCLUSIVE_C14N_NAMESPACE, isCanonicalization } from './algorithms';
import { decodeBase64Strict } from './base64';
import { XMLDSIG_NAMESPACE } from './types';
import {
  CDATA_SECTION_NODE,
  descendants,
  ELEMENT_NODE,
  isElement,
  isXmlWhitespace,
  TEXT_NODE,
} from './xmlDom';

/** What the signature declares, as written; algorithms are judged by the caller. */
export interface SignatureProfile {
  readonly canonicalization: string;
  readonly signatureMethod: string;
  readonly digestMethod: string;
  /** Base64 text of each KeyInfo/X509Data/X509Certificate, in document order. */
  readonly certificates: readonly string[];
}

export type ProfileReason = 'MALFORMED_SIGNATURE' | 'REFERENCE_NOT_ENVELOPE';

export type ProfileResult =
  | { readonly ok: true; readonly profile: SignatureProfile }
  | {
      readonly ok: false;
      readonly reason: ProfileReason;
      readonly detail: string;
      readonly signatureMethod?: string;
      readonly digestMethod?: string;
    };

class ProfileViolation extends Error {
  constructor(
    readonly reason: ProfileReason,
    detail: string,
  ) {
    super(detail);
  }
}

function malformed(detail: string): ProfileViolation {
  return new ProfileViolation('MALFORMED_SIGNATURE', detail);
}

function notEnvelope(detail: string): ProfileViolation {
  return new ProfileViolation('REFERENCE_NOT_ENVELOPE', detail);
}

/**
 * Checks `signature` (already known to be ds:Signature in edXMLHeader):
 *
 * - children exactly SignedInfo, SignatureValue and an optional KeyInfo, all
 *   XML-DSig; no Object, which is where wrapped content and XAdES properties
 *   go and which the one allowed Reference never covers;
 * - no comment, processing instruction or stray text anywhere inside, so that
 *   what xml-crypto reads by name is what is written at that place;
 * - SignedInfo: CanonicalizationMethod, SignatureMethod, then exactly one
 *   Reference with URI="" whose Transforms are enveloped-signature followed by
 *   one canonicalisation (REFERENCE_NOT_ENVELOPE otherwise: any other
 *   reference signs something other than the envelope the axis reads);
 * - DigestValue and SignatureValue are strict base64.
 */
export function readSignatureProfile(signature: Element): ProfileResult {
  const partial: { signatureMethod?: string; digestMethod?: string } = {};
  try {
    return { ok: true, profile: readProfile(signature, partial) };
  } catch (error) {
    if (!(error instanceof ProfileViolation)) throw error;
    return { ok: false, reason: error.reason, detail: error.message, ...partial };
  }
}

function readProfile(
  signature: Element,
  partial: { signatureMethod?: string; digestMethod?: string },
): SignatureProfile {
  for (const node of descendants(signature)) {
    if (![ELEMENT_NODE, TEXT_NODE, CDATA_SECTION_NODE].includes(node.nodeType)) {
      throw malformed('The Signature contains a comment or processing instruction');
    }
  }
  const [signedInfo, signatureValue, keyInfo, ...rest] = dsigChildren(signature, 'Signature');
  expectName(signedInfo, 'SignedInfo', 'Signature');
  expectName(signatureValue, 'SignatureValue', 'Signature');
  if (keyInfo) expectName(keyInfo, 'KeyInfo', 'Signature');
  if (rest.length > 0) {
    throw malformed(`Signature has unexpected ${nameOf(rest[0])}; Object is not accepted`);
  }

  const [c14nMethod, signatureMethod, ...references] = dsigChildren(signedInfo, 'SignedInfo');
  expectName(c14nMethod, 'CanonicalizationMethod', 'SignedInfo');
  expectName(signatureMethod, 'SignatureMethod', 'SignedInfo');
  // xml-crypto ignores InclusiveNamespaces here, so a signer relying on it could not verify.
  expectEmpty(c14nMethod, 'CanonicalizationMethod');
  expectEmpty(signatureMethod, 'SignatureMethod');
  const canonicalization = algorithm(c14nMethod, 'CanonicalizationMethod');
  partial.signatureMethod = algorithm(signatureMethod, 'SignatureMethod');
  for (const reference of references) expectName(reference, 'Reference', 'SignedInfo');
  if (references.length !== 1) {
    throw notEnvelope(`SignedInfo has ${references.length} Reference elements; exactly one`);
  }

  const digestMethod = readReference(references[0] as Element);
  partial.digestMethod = digestMethod;
  checkBase64(signatureValue as Element, 'SignatureValue');
  return {
    canonicalization,
    signatureMethod: partial.signatureMethod,
    digestMethod,
    certificates: keyInfo ? readCertificates(keyInfo) : [],
  };
}

function readReference(reference: Element): string {
  const uri = reference.getAttributeNode('URI');
  if (uri === null || uri.value !== '') {
    throw notEnvelope('The Reference must have URI="" (the whole document)');
  }
  const [transforms, digestMethod, digestValue, ...rest] = dsigChildren(reference, 'Reference');
  if (transforms?.localName !== 'Transforms') {
    throw notEnvelope('The Reference has no Transforms; enveloped-signature is required');
  }
  expectName(digestMethod, 'DigestMethod', 'Reference');
  expectName(digestValue, 'DigestValue', 'Reference');
  if (rest.length > 0) throw malformed(`Reference has unexpected ${nameOf(rest[0])}`);
  expectEmpty(digestMethod, 'DigestMethod');
  checkTransforms(transforms);
  checkBase64(digestValue as Element, 'DigestValue');
  return algorithm(digestMethod, 'DigestMethod');
}

function checkTransforms(transforms: Element): void {
  const list = dsigChildren(transforms, 'Transforms');
  for (const transform of list) expectName(transform, 'Transform', 'Transforms');
  const [enveloped, canonical] = list.map((transform) => algorithm(transform, 'Transform'));
  if (
    list.length !== 2 ||
    enveloped !== ENVELOPED_SIGNATURE ||
    canonical === undefined ||
    !isCanonicalization(canonical)
  ) {
    throw notEnvelope(
      'The Reference transforms must be exactly enveloped-signature then one canonicalisation',
    );
  }
  expectEmpty(list[0], 'Transform');
  const parameters = elementChildren(list[1] as Element, 'Transform');
  const inclusive = parameters[0];
  const allowsPrefixList = canonical.startsWith(EXCLUSIVE_C14N_NAMESPACE);
  if (
    parameters.length > 1 ||
    (inclusive !== undefined &&
      !(
        allowsPrefixList &&
        inclusive.namespaceURI === EXCLUSIVE_C14N_NAMESPACE &&
        inclusive.localName === 'InclusiveNamespaces'
      ))
  ) {
    throw notEnvelope('The canonicalisation transform has parameters other than a PrefixList');
  }
}

/**
 * Names xml-crypto looks up anywhere below Signature. KeyInfo comes after
 * SignedInfo, so the first match is the right one today; refusing them here
 * keeps it so whatever the lookup order becomes.
 */
const SIGNATURE_PART_NAMES: readonly string[] = [
  'Signature',
  'SignedInfo',
  'CanonicalizationMethod',
  'SignatureMethod',
  'Reference',
  'Transforms',
  'Transform',
  'DigestMethod',
  'DigestValue',
  'SignatureValue',
  'KeyInfo',
];

function readCertificates(keyInfo: Element): string[] {
  for (const node of descendants(keyInfo)) {
    if (
      node !== keyInfo &&
      isElement(node) &&
      SIGNATURE_PART_NAMES.includes(node.localName ?? '')
    ) {
      throw malformed(`KeyInfo contains a ${node.localName} element`);
    }
  }
  return elementChildren(keyInfo, 'KeyInfo')
    .filter((data) => isDsig(data, 'X509Data'))
    .flatMap((data) => elementChildren(data, 'X509Data'))
    .filter((certificate) => isDsig(certificate, 'X509Certificate'))
    .map((certificate) => textOnly(certificate, 'X509Certificate'));
}

function checkBase64(element: Element, name: string): void {
  if (decodeBase64Strict(textOnly(element, name)) === undefined) {
    throw malformed(`${name} is not base64`);
  }
}

/** Character data of an element that may hold nothing else. */
function textOnly(element: Element, name: string): string {
  let text = '';
  for (const node of Array.from(element.childNodes)) {
    if (node.nodeType !== TEXT_NODE) throw malformed(`${name} may contain text only`);
    text += node.nodeValue ?? '';
  }
  return text;
}

/** Element children of any namespace; text other than whitespace is refused. */
function elementChildren(parent: Element, name: string): Element[] {
  const elements: Element[] = [];
  for (const node of Array.from(parent.childNodes) as Node[]) {
    if (node.nodeType === ELEMENT_NODE) elements.push(node as Element);
    else if (!isXmlWhitespace(node.nodeValue ?? '') || node.nodeType !== TEXT_NODE) {
      throw malformed(`${name} contains character data where only elements belong`);
    }
  }
  return elements;
}

/** Element children, all of which must be in the XML-DSig namespace. */
function dsigChildren(parent: Element | undefined, name: string): Element[] {
  if (parent === undefined) return [];
  const elements = elementChildren(parent, name);
  const foreign = elements.find((element) => element.namespaceURI !== XMLDSIG_NAMESPACE);
  if (foreign) throw malformed(`${name} contains ${nameOf(foreign)} outside XML-DSig`);
  return elements;
}

function expectName(
  element: Element | undefined,
  local: string,
  parent: string,
): asserts element is Element {
  if (element?.localName !== local) {
    throw malformed(
      element
        ? `${parent} has ${nameOf(element)} where ${local} belongs`
        : `${parent} lacks ${local}`,
    );
  }
}

function expectEmpty(element: Element | undefined, name: string): void {
  if (element && elementChildren(element, name).length > 0) {
    throw malformed(`${name} has child elements; none are accepted`);
  }
}

function algorithm(element: Element | undefined, name: string): string {
  const value = element?.getAttributeNode('Algorithm')?.value;
  if (value === undefined || value === '') throw malformed(`${name} has no Algorithm`);
  return value;
}

/**
 * An element's name for a detail message: names are the sender's choice, so
 * only short plain ones are repeated, never anything that could carry text.
 */
function nameOf(element: Element | undefined): string {
  const name = element?.localName ?? '';
  return /^[A-Za-z][A-Za-z0-9]{0,39}$/.test(name) ? name : 'an element';
}

function isDsig(element: Element, local: string): boolean {
  return element.namespaceURI === XMLDSIG_NAMESPACE && element.localName === local;
}
