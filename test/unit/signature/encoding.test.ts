import { describe, expect, it } from 'vitest';
import { decodeBase64Strict } from '#shared/signature/base64';
import { namesMatch, normalizeSerial } from '#shared/signature/certificates';
import { DerError, decodeOid, splitSigned } from '#shared/signature/der';

const bytes = (...values: number[]) => new Uint8Array(values);

/** SEQUENCE { SEQUENCE { SEQUENCE { OID } }, SEQUENCE { OID }, BIT STRING } around `oid`. */
function signed(oid: number[], innerOid = oid, bitString = [0x03, 0x02, 0x00, 0xaa]): Uint8Array {
  const algorithm = (id: number[]) => [0x30, id.length + 2, 0x06, id.length, ...id];
  const tbs = [0x30, algorithm(innerOid).length, ...algorithm(innerOid)];
  const body = [...tbs, ...algorithm(oid), ...bitString];
  return bytes(0x30, body.length, ...body);
}

const SHA256_RSA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
const SHA1_RSA = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];

describe('decodeOid', () => {
  it.each([
    [SHA256_RSA, '1.2.840.113549.1.1.11'],
    [[0x55, 0x1d, 0x13], '2.5.29.19'],
    [[0x88, 0x37, 0x03], '2.999.3'],
  ])('decodes %j as %s', (content, dotted) => {
    expect(decodeOid(bytes(...content))).toBe(dotted);
  });

  it.each([
    ['truncated', [0x2a, 0x86]],
    ['non-minimal', [0x80, 0x01]],
    ['empty', []],
  ])('refuses a %s OID', (_what, content) => {
    expect(() => decodeOid(bytes(...content))).toThrow(DerError);
  });
});

describe('splitSigned', () => {
  it('splits a minimal signed structure', () => {
    const parts = splitSigned(signed(SHA256_RSA));

    expect(parts.algorithmOid).toBe('1.2.840.113549.1.1.11');
    expect(Array.from(parts.signature)).toEqual([0xaa]);
    expect(parts.tbs[0]).toBe(0x30);
  });

  it.each<[string, Uint8Array]>([
    ['trailing bytes', bytes(...signed(SHA256_RSA), 0)],
    ['a truncated body', signed(SHA256_RSA).subarray(0, 10)],
    ['an inner algorithm that differs from the outer one', signed(SHA256_RSA, SHA1_RSA)],
    ['unused bits in the signature', signed(SHA256_RSA, SHA256_RSA, [0x03, 0x02, 0x01, 0xaa])],
    ['an indefinite length', bytes(0x30, 0x80, 0x00, 0x00)],
    ['a non-minimal length', bytes(0x30, 0x81, 0x03, 0x02, 0x01, 0x00)],
    ['not a SEQUENCE', bytes(0x04, 0x01, 0x00)],
    ['nothing', bytes()],
  ])('refuses %s', (_what, input) => {
    expect(() => splitSigned(input)).toThrow(DerError);
  });
});

describe('decodeBase64Strict', () => {
  it.each([
    ['QUJD', 'ABC'],
    ['QUI=', 'AB'],
    ['QQ==', 'A'],
    ['QU\nJD\r\n', 'ABC'],
  ])('decodes %j', (text, expected) => {
    expect(decodeBase64Strict(text)?.toString('latin1')).toBe(expected);
  });

  it.each(['', 'QUJ', 'QU!D', 'QQ=', 'QR==', 'Q===', 'QUJD====', 'QU-_'])('refuses %j', (text) => {
    expect(decodeBase64Strict(text)).toBeUndefined();
  });
});

describe('certificate helpers', () => {
  it.each([
    ['00ab', 'ab'],
    ['0000ff', 'ff'],
    ['AB01', 'ab01'],
    ['00', '00'],
  ])('normalises serial %s to %s', (serial, expected) => {
    expect(normalizeSerial(serial)).toBe(expected);
  });

  it('matches names by DER, or by text ignoring case and spacing', () => {
    const der = bytes(1, 2, 3);

    expect(namesMatch(der, 'CN=A', bytes(1, 2, 3), 'CN=B')).toBe(true);
    expect(namesMatch(der, 'CN=Ban Cơ yếu,  C=VN', bytes(9), 'cn=ban cơ yếu, c=vn')).toBe(true);
    expect(namesMatch(der, 'CN=A', bytes(9), 'CN=B')).toBe(false);
  });
});
