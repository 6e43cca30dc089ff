/**
 * Finds the one envelope signature of an edXML document and checks that the
 * document around it leaves no room for signature wrapping: one signature,
 * where the standard puts it, and no signature parts or comments elsewhere
 * that a reader and the verifier could see differently.
 */
import type { Document, Element } from '@xmldom/xmldom';
import { EDXML_NAMESPACE } from '../edxml/types';
import type { EnvelopeSignatureReason } from './types';
import { XMLDSIG_NAMESPACE } from './types';
import {
  CDATA_SECTION_NODE,
  COMMENT_NODE,
  childElements,
  descendants,
  firstChild,
  isElement,
  isXmlWhitespace,
  TEXT_NODE,
} from './xmlDom';

export type SignatureLocation =
  | { readonly kind: 'absent' }
  | {
      readonly kind: 'refused';
      readonly reason: EnvelopeSignatureReason;
      readonly detail: string;
    }
  | { readonly kind: 'found'; readonly signature: Element; readonly header: Element };

/**
 * Where the envelope signature is, or why there is none to check.
 *
 * - `absent`: no XML-DSig `Signature` anywhere and no `Signature` of any
 *   namespace in `edXMLHeader`; the document simply is not signed.
 * - more than one of those → MULTIPLE_SIGNATURES: with two signatures a
 *   reader and a verifier can each pick a different one (wrapping).
 * - one, not in the XML-DSig namespace → NOT_XMLDSIG: what some senders
 *   write, and not a signature any verifier can check.
 * - one, not a child of `edXMLHeader` → SIGNATURE_MISPLACED: QCVN 102 puts
 *   it there, and a signature elsewhere may sit in a wrapped copy.
 * - `SignedInfo` or `SignatureValue` outside it → MULTIPLE_SIGNATURES:
 *   xml-crypto looks some parts up by name across the whole document.
 * - a comment splitting character data → COMMENT_IN_TEXT: comments are not
 *   signed, so `G22<!---->X` verifies as `G22X` while naive readers stop at
 *   the comment (the 2018 SAML comment-injection pattern).
 */
export function locateSignature(doc: Document): SignatureLocation {
  const root = doc.documentElement;
  const envelope = root && isEdxmlRoot(root) && firstChild(root, EDXML_NAMESPACE, 'edXMLEnvelope');
  const header = envelope ? firstChild(envelope, EDXML_NAMESPACE, 'edXMLHeader') : undefined;
  if (!root || !header) {
    return refused('NOT_EDXML', 'The document has no edXML/edXMLEnvelope/edXMLHeader');
  }

  const candidates = new Set<Element>(
    Array.from(doc.getElementsByTagNameNS(XMLDSIG_NAMESPACE, 'Signature')),
  );
  for (const child of childElements(header)) {
    if (child.localName === 'Signature') candidates.add(child);
  }
  if (candidates.size === 0) return { kind: 'absent' };
  if (candidates.size > 1) {
    return refused(
      'MULTIPLE_SIGNATURES',
      `The document has ${candidates.size} Signature elements; exactly one is accepted`,
    );
  }
  const signature = [...candidates][0] as Element;
  if (signature.namespaceURI !== XMLDSIG_NAMESPACE) {
    return refused(
      'NOT_XMLDSIG',
      `edXMLHeader/Signature is in ${describeNamespace(signature)}, ` +
        `not XML-DSig (${XMLDSIG_NAMESPACE})`,
    );
  }
  if (signature.parentNode !== header) {
    return refused(
      'SIGNATURE_MISPLACED',
      'The XML-DSig Signature is not a child of edXMLEnvelope/edXMLHeader',
    );
  }
  return checkSurroundings(root, signature) ?? { kind: 'found', signature, header };
}

function checkSurroundings(root: Element, signature: Element): SignatureLocation | undefined {
  for (const node of descendants(root)) {
    if (isElement(node) && isStraySignaturePart(node, signature)) {
      return refused(
        'MULTIPLE_SIGNATURES',
        `An element named ${node.localName} appears outside the envelope signature`,
      );
    }
    if (node.nodeType === COMMENT_NODE && splitsText(node.parentNode)) {
      return refused(
        'COMMENT_IN_TEXT',
        'A comment sits inside character data; comments are not signed, so it is refused',
      );
    }
  }
  return undefined;
}

function isStraySignaturePart(element: Element, signature: Element): boolean {
  if (element.localName !== 'SignedInfo' && element.localName !== 'SignatureValue') return false;
  for (let at = element.parentNode; at; at = at.parentNode) {
    if (at === signature) return false;
  }
  return true;
}

function splitsText(parent: Element['parentNode']): boolean {
  if (!parent) return false;
  return Array.from(parent.childNodes).some(
    (node) =>
      (node.nodeType === TEXT_NODE || node.nodeType === CDATA_SECTION_NODE) &&
      !isXmlWhitespace(node.nodeValue ?? ''),
  );
}

function isEdxmlRoot(root: Element): boolean {
  return root.namespaceURI === EDXML_NAMESPACE && root.localName === 'edXML';
}

/** The namespace in words; an arbitrary URI from the sender is not repeated. */
function describeNamespace(element: Element): string {
  if (element.namespaceURI === EDXML_NAMESPACE) return 'the edXML namespace';
  return element.namespaceURI ? 'another namespace' : 'no namespace';
}

function refused(reason: EnvelopeSignatureReason, detail: string): SignatureLocation {
  return { kind: 'refused', reason, detail };
}
