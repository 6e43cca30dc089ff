import { describe, expect, it } from 'vitest';
import { MAX_ELEMENT_DEPTH, readXmlTree } from '#shared/edxml/xmlTree';

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

const countPayload = {
  countOnly: (_uri: string, local: string) => local === 'Payload',
};

describe('readXmlTree', () => {
  it('counts a count-only element and keeps none of its text', () => {
    const payload = 'QUJD'.repeat(50_000);
    const bytes = utf8(`<m xmlns="urn:a"><Payload>\n${payload}\n</Payload><Name> x </Name></m>`);

    const root = readXmlTree(bytes, countPayload);

    const [stored, name] = root.children;
    expect(stored).toMatchObject({ local: 'Payload', uri: 'urn:a', text: '', textLength: 200_000 });
    expect(name).toMatchObject({ local: 'Name', text: ' x ', textLength: 1 });
  });

  it('gives the namespace URI, not the prefix, and an empty URI for none', () => {
    const bytes = utf8('<p:m xmlns:p="urn:a"><p:a/><b xmlns=""/><q:c xmlns:q="urn:a"/></p:m>');

    const root = readXmlTree(bytes, countPayload);

    expect(root.children.map(({ uri, local }) => ({ uri, local }))).toEqual([
      { uri: 'urn:a', local: 'a' },
      { uri: '', local: 'b' },
      { uri: 'urn:a', local: 'c' },
    ]);
  });

  it('joins text, CDATA and character references', () => {
    const bytes = utf8('<m>Hà <![CDATA[<Nội>]]> &#x110;&amp;</m>');

    const root = readXmlTree(bytes, countPayload);

    expect(root.text).toBe('Hà <Nội> Đ&');
  });

  it(`allows exactly ${MAX_ELEMENT_DEPTH} levels of elements`, () => {
    const depth = MAX_ELEMENT_DEPTH;
    const bytes = utf8(`${'<e>'.repeat(depth)}${'</e>'.repeat(depth)}`);

    const root = readXmlTree(bytes, countPayload);

    let levels = 1;
    for (let element = root; element.children.length > 0; element = element.children[0]) {
      levels += 1;
    }
    expect(levels).toBe(depth);
  });
});
