import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { documentIdFor, isAxisId, sha256Hex, statusMessageIdFor } from '#shared/domain/ids';

const G22 = '000.00.00.G22';
const H41 = '000.00.00.H41';
const DIGEST_A = sha256Hex(Buffer.from('payload A'));
const DIGEST_B = sha256Hex(Buffer.from('payload B'));

/** The bits an id's 26 base32 characters carry, as a string of 0 and 1. */
function idBits(id: string): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return [...id.slice(4)]
    .map((char) => alphabet.indexOf(char).toString(2).padStart(5, '0'))
    .join('');
}

function hashBits(text: string): string {
  const hash = createHash('sha256').update(text).digest();
  return [...hash].map((byte) => byte.toString(2).padStart(8, '0')).join('');
}

describe('sha256Hex', () => {
  it.each([
    ['', 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
    ['abc', 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'],
  ])('hashes %j to the published vector', (text, expected) => {
    expect(sha256Hex(Buffer.from(text))).toBe(expected);
  });
});

describe('documentIdFor and statusMessageIdFor', () => {
  it.each([
    ['documentIdFor', documentIdFor, 'doc', 'document'],
    ['statusMessageIdFor', statusMessageIdFor, 'sts', 'status'],
  ] as const)(
    '%s is deterministic and carries 130 bits of the hash',
    (_n, derive, prefix, kind) => {
      const id = derive(G22, DIGEST_A);
      expect(id).toBe(derive(G22, DIGEST_A));
      expect(id).toMatch(new RegExp(`^${prefix}_[a-z2-7]{26}$`));
      expect(idBits(id)).toBe(hashBits(`${kind}\n${G22}\n${DIGEST_A}`).slice(0, 130));
    },
  );

  it('gives the same bytes from two senders two ids', () => {
    expect(documentIdFor(G22, DIGEST_A)).not.toBe(documentIdFor(H41, DIGEST_A));
    expect(statusMessageIdFor(G22, DIGEST_A)).not.toBe(statusMessageIdFor(H41, DIGEST_A));
  });

  it('gives different bytes from one sender two ids', () => {
    expect(documentIdFor(G22, DIGEST_A)).not.toBe(documentIdFor(G22, DIGEST_B));
  });

  it('keeps documents and statuses apart even for the same sender and bytes', () => {
    expect(documentIdFor(G22, DIGEST_A).slice(4)).not.toBe(
      statusMessageIdFor(G22, DIGEST_A).slice(4),
    );
  });
});

describe('isAxisId', () => {
  const produced = [
    documentIdFor(G22, DIGEST_A),
    documentIdFor(H41, DIGEST_B),
    statusMessageIdFor(H41, DIGEST_A),
    statusMessageIdFor('28.22.H17', DIGEST_B),
  ];

  it.each(produced)('accepts %s, which the axis produced', (id) => {
    expect(isAxisId(id)).toBe(true);
  });

  const valid = produced[0];
  it.each([
    ['an empty string', ''],
    ['a path traversal', '../../documents/secret'],
    ['a traversal after a valid prefix', `doc_../../${'a'.repeat(20)}`],
    ['another prefix', `msg_${valid.slice(4)}`],
    ['an upper-case prefix', `DOC_${valid.slice(4)}`],
    ['upper-case characters', valid.toUpperCase()],
    ['one character short', valid.slice(0, -1)],
    ['one character long', `${valid}a`],
    ['digits outside base32', `doc_${'0'.repeat(26)}`],
    ['a trailing newline', `${valid}\n`],
    ['a leading space', ` ${valid}`],
    ['an S3 key', `documents/${valid}.edxml`],
    ['the edXML DocumentId', '000.00.00.G22,2015/09/30,7816/VPCP-TTĐT'],
  ])('rejects %s', (_name, value) => {
    expect(isAxisId(value)).toBe(false);
  });
});
