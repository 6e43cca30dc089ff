/**
 * A strict DOM for signature work. xml-crypto needs a DOM; this one is built
 * from text the axis's own parser has already accepted (no DTD, UTF-8, depth
 * bounded), and any warning from xmldom stops it, so the tree the signature
 * is checked on is the tree the axis reads.
 */
import type { Document, Element, Node } from '@xmldom/xmldom';
import { DOMParser } from '@xmldom/xmldom';

export const ELEMENT_NODE = 1;
export const TEXT_NODE = 3;
export const CDATA_SECTION_NODE = 4;
export const COMMENT_NODE = 8;

/** Thrown by {@link parseStrictXml}; the message is xmldom's and may quote the input. */
export class XmlSyntaxError extends Error {
  constructor(cause: unknown) {
    super('not well-formed XML', { cause });
    this.name = 'XmlSyntaxError';
  }
}

/**
 * XML 1.0 line ends only. xmldom's default follows XML 1.1 and also turns
 * U+0085, U+2028 and U+2029 into line feeds, which an XML 1.0 reader keeps as
 * characters; such input is refused before it gets here.
 */
function xml10LineEnds(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** Parses `text`, throwing {@link XmlSyntaxError} on anything xmldom reports. */
export function parseStrictXml(text: string): Document {
  const parser = new DOMParser({
    locator: false,
    normalizeLineEndings: xml10LineEnds,
    onError: (level, message) => {
      throw new Error(`${level}: ${message}`);
    },
  });
  try {
    return parser.parseFromString(text, 'application/xml');
  } catch (error) {
    throw new XmlSyntaxError(error);
  }
}

export function isElement(node: Node | null | undefined): node is Element {
  return node?.nodeType === ELEMENT_NODE;
}

/** XML's four whitespace characters; anything else is content. */
export function isXmlWhitespace(text: string): boolean {
  return /^[ \t\r\n]*$/.test(text);
}

/** Element children in document order. */
export function childElements(parent: Node): Element[] {
  return Array.from(parent.childNodes).filter(isElement);
}

/** The first element child with this namespace and local name, as the axis reads it. */
export function firstChild(parent: Node, namespace: string, local: string): Element | undefined {
  return childElements(parent).find((c) => c.namespaceURI === namespace && c.localName === local);
}

/** Every node under `root` (itself included), depth first, without recursion. */
export function* descendants(root: Node): Generator<Node> {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop() as Node;
    yield node;
    const children = Array.from(node.childNodes);
    for (let i = children.length - 1; i >= 0; i -= 1) stack.push(children[i] as Node);
  }
}
