/**
 * Turns posted bytes into a small element tree, refusing on the way anything
 * that is unsafe or not UTF-8 XML. Kept apart from the edXML rules so that the
 * security decisions sit in one place and are read in one go.
 */
import { SaxesParser } from 'saxes';
import { AxisError } from '../domain/AxisError';
import { preview } from './values';

/** Far deeper than any edXML message (about 10); stops stack and memory abuse. */
export const MAX_ELEMENT_DEPTH = 64;

/** An element with its namespace URI ('' when none), children and character data. */
export interface XmlElement {
  readonly uri: string;
  readonly local: string;
  readonly children: readonly XmlElement[];
  /** Character data directly inside, untrimmed; always '' for count-only elements. */
  readonly text: string;
  /** Characters of that data, XML whitespace not counted. */
  readonly textLength: number;
}

export interface ReadOptions {
  /** Elements whose character data is counted but never kept (attachment payloads). */
  readonly countOnly: (uri: string, local: string) => boolean;
}

interface OpenElement {
  readonly uri: string;
  readonly local: string;
  readonly children: OpenElement[];
  text: string;
  textLength: number;
  readonly countOnly: boolean;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/** An XML declaration is ASCII and short; this is plenty to find its encoding. */
const DECLARATION_SCAN_BYTES = 256;

/**
 * Reads a whole message into a tree.
 *
 * @throws AxisError EMPTY_BODY (no bytes, or only whitespace), NOT_XML (not
 *   UTF-8, not well-formed, undefined entity, nested too deep),
 *   EDXML_INVALID_VALUE (declared encoding other than UTF-8) or
 *   XML_DTD_FORBIDDEN (any document type declaration).
 */
export function readXmlTree(bytes: Uint8Array, options: ReadOptions): XmlElement {
  const text = decodeBody(bytes);
  rejectDoctype(text);
  return buildTree(text, options);
}

function decodeBody(bytes: Uint8Array): string {
  if (bytes.length === 0) throw new AxisError('EMPTY_BODY', 'The request body is empty');
  const hasBom = UTF8_BOM.every((byte, index) => bytes[index] === byte);
  const body = hasBom ? bytes.subarray(UTF8_BOM.length) : bytes;
  // Checked on the raw bytes first: a Latin-1 body declared as such deserves
  // "wrong encoding" rather than "not UTF-8".
  checkEncoding(declaredEncoding(body));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body);
  } catch {
    throw new AxisError('NOT_XML', 'The request body is not valid UTF-8');
  }
  if (text.trim() === '') {
    throw new AxisError('EMPTY_BODY', 'The request body contains only whitespace');
  }
  return text;
}

function declaredEncoding(body: Uint8Array): string | undefined {
  const head = String.fromCharCode(...body.subarray(0, DECLARATION_SCAN_BYTES));
  return /^<\?xml\s[^?>]*?\bencoding\s*=\s*(["'])([^"']*)\1/.exec(head)?.[2];
}

function checkEncoding(encoding: string | undefined): void {
  if (encoding === undefined || encoding.toLowerCase() === 'utf-8') return;
  throw new AxisError(
    'EDXML_INVALID_VALUE',
    `The XML declaration names encoding ${JSON.stringify(preview(encoding))}; ` +
      'edXML messages must be UTF-8',
    { element: 'xml declaration encoding', value: preview(encoding) },
  );
}

/** What may stand before a DTD: processing instructions and comments. */
const PROLOG_SKIPS = [
  ['<?', '?>'],
  ['<!--', '-->'],
] as const;

/**
 * A DTD can only come in the prolog, so walking the prolog by hand refuses it
 * before the parser has read a single declaration from it, even a truncated
 * one. The scan stops at the first thing that is not whitespace, a comment or
 * a processing instruction.
 */
function rejectDoctype(text: string): void {
  let at = 0;
  while (at < text.length) {
    if (' \t\r\n'.includes(text.charAt(at))) {
      at += 1;
      continue;
    }
    const skip = PROLOG_SKIPS.find(([start]) => text.startsWith(start, at));
    if (skip === undefined) break;
    const end = text.indexOf(skip[1], at + skip[0].length);
    if (end < 0) return; // unterminated: the parser reports it
    at = end + skip[1].length;
  }
  if (text.startsWith('<!DOCTYPE', at)) throw dtdForbidden();
}

function dtdForbidden(): AxisError {
  return new AxisError(
    'XML_DTD_FORBIDDEN',
    'Document type declarations (<!DOCTYPE>) are not accepted in edXML messages',
  );
}

function buildTree(text: string, options: ReadOptions): XmlElement {
  const parser = new SaxesParser({ xmlns: true });
  const open: OpenElement[] = [];
  let root: OpenElement | undefined;
  const addText = (chunk: string): void => {
    const current = open.at(-1);
    if (current === undefined) return;
    current.textLength += countNonWhitespace(chunk);
    if (!current.countOnly) current.text += chunk;
  };

  parser.on('error', (error) => {
    throw new AxisError('NOT_XML', `The request body is not well-formed XML: ${error.message}`);
  });
  parser.on('xmldecl', (declaration) => checkEncoding(declaration.encoding));
  // Unreachable while rejectDoctype holds; kept so a DTD can never slip through.
  parser.on('doctype', () => {
    throw dtdForbidden();
  });
  parser.on('opentagstart', () => {
    if (open.length >= MAX_ELEMENT_DEPTH) {
      throw new AxisError(
        'NOT_XML',
        `Elements are nested more than ${MAX_ELEMENT_DEPTH} levels deep`,
        { maxDepth: MAX_ELEMENT_DEPTH },
      );
    }
  });
  parser.on('opentag', (tag) => {
    const element: OpenElement = {
      uri: tag.uri,
      local: tag.local,
      children: [],
      text: '',
      textLength: 0,
      countOnly: options.countOnly(tag.uri, tag.local),
    };
    const parent = open.at(-1);
    if (parent === undefined) root = element;
    else parent.children.push(element);
    open.push(element);
  });
  parser.on('closetag', () => {
    open.pop();
  });
  parser.on('text', addText);
  parser.on('cdata', addText);

  parser.write(text).close();
  if (root === undefined) throw new AxisError('NOT_XML', 'The request body has no root element');
  return root;
}

function countNonWhitespace(chunk: string): number {
  let count = 0;
  for (let i = 0; i < chunk.length; i += 1) {
    const code = chunk.charCodeAt(i);
    if (code !== 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) count += 1;
  }
  return count;
}

/** Direct children named `local` (or any of several spellings) in one of `uris`. */
export function childrenNamed(
  parent: XmlElement | undefined,
  local: string | readonly string[],
  uris: readonly string[],
): XmlElement[] {
  if (parent === undefined) return [];
  const names = typeof local === 'string' ? [local] : local;
  return parent.children.filter((c) => names.includes(c.local) && uris.includes(c.uri));
}

/** The first such child; later duplicates are ignored, as the standard allows one. */
export function childNamed(
  parent: XmlElement | undefined,
  local: string | readonly string[],
  uris: readonly string[],
): XmlElement | undefined {
  return childrenNamed(parent, local, uris)[0];
}

/** Trimmed character data; undefined when the element is absent or has none. */
export function trimmedText(element: XmlElement | undefined): string | undefined {
  const value = element?.text.trim();
  return value === '' ? undefined : value;
}
