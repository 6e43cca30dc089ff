import { EDXML_NAMESPACE } from '#shared/edxml/types';

/**
 * Derives broken or altered messages from a real sample's text, so each bad
 * input differs from an accepted message in exactly one respect.
 */

const encode = (text: string) => Buffer.from(text, 'utf8');

/** Every edXML element `local` (with its content) taken out. */
export function withoutElement(text: string, local: string): Buffer {
  const block = new RegExp(`\\s*<edXML:${local}>[\\s\\S]*?</edXML:${local}>`, 'g');
  const changed = text.replace(block, '');
  if (changed === text) throw new Error(`the sample has no edXML:${local}`);
  return encode(changed);
}

/** The same markup in a namespace that is not QCVN 102's. */
export function inOtherNamespace(text: string): Buffer {
  return encode(text.replaceAll(EDXML_NAMESPACE, 'urn:example:not-edxml:2016'));
}

/** A DTD declaring an external entity, used inside the element `usedIn`. */
export function withExternalEntity(text: string, usedIn = 'Subject'): Buffer {
  const declaration = /^<\?xml[^?]*\?>/.exec(text)?.[0];
  if (!declaration) throw new Error('the sample has no XML declaration');
  const open = `<edXML:${usedIn}>`;
  if (!text.includes(open)) throw new Error(`the sample has no edXML:${usedIn}`);
  const doctype = '<!DOCTYPE edXML [<!ENTITY leak SYSTEM "file:///etc/hostname">]>';
  const body = text.slice(declaration.length).replace(open, `${open}&leak;`);
  return encode(`${declaration}\n${doctype}${body}`);
}

/** The first occurrence of `from` replaced by `to`; the sample must contain it. */
export function replacedOnce(text: string, from: string, to: string): Buffer {
  if (!text.includes(from)) throw new Error(`the sample has no ${JSON.stringify(from)}`);
  return encode(text.replace(from, to));
}
