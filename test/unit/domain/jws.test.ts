import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  compactJws,
  decodeCompactJws,
  derToJoseSignature,
  type JwsHeader,
  jwsSigningInput,
} from '#shared/domain/jws';

const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** Lengths of r and s as DER carries them (33 with a sign byte, under 32 when short). */
function derPartLengths(der: Buffer): [number, number] {
  const rLength = der[3];
  const sLength = der[4 + rLength + 1];
  return [rLength, sLength];
}

function derInteger(value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0x02, value.length]), value]);
}

function derSequence(...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([Buffer.from([0x30, body.length]), body]);
}

describe('derToJoseSignature', () => {
  it('turns node:crypto DER signatures into r||s that verify, short parts included', () => {
    const seen = { short: 0, signByte: 0 };
    let signatures = 0;
    // Keep signing until both short parts (leading zero bytes dropped by DER)
    // and sign-byte parts have come up several times; ~1 in 128 is short.
    while ((seen.short < 3 || seen.signByte < 3) && signatures < 20_000) {
      const message = Buffer.from(`signing input number ${signatures}`);
      const der = sign('sha256', message, privateKey);
      for (const length of derPartLengths(der)) {
        if (length < 32) seen.short += 1;
        if (length === 33) seen.signByte += 1;
      }
      const jose = derToJoseSignature(der);
      expect(jose).toHaveLength(64);
      const ok = verify('sha256', message, { key: publicKey, dsaEncoding: 'ieee-p1363' }, jose);
      if (!ok) expect.fail(`signature ${signatures} did not verify: ${der.toString('hex')}`);
      signatures += 1;
    }
    expect(seen.short).toBeGreaterThanOrEqual(3);
    expect(seen.signByte).toBeGreaterThanOrEqual(3);
  });

  it.each([
    { name: 'a one-byte r', r: '01', s: '7f'.repeat(32), rOut: `${'00'.repeat(31)}01` },
    {
      name: 'a 31-byte r',
      r: `7e${'11'.repeat(30)}`,
      s: '22'.repeat(32),
      rOut: `00${'7e'}${'11'.repeat(30)}`,
    },
    {
      name: 'a 33-byte r with its sign byte',
      r: `00ff${'33'.repeat(31)}`,
      s: '44'.repeat(32),
      rOut: `ff${'33'.repeat(31)}`,
    },
  ])('places $name at the right end of its 32 bytes', ({ r, s, rOut }) => {
    const der = derSequence(derInteger(Buffer.from(r, 'hex')), derInteger(Buffer.from(s, 'hex')));
    const jose = Buffer.from(derToJoseSignature(der));
    expect(jose.subarray(0, 32).toString('hex')).toBe(rOut);
    expect(jose.subarray(32).toString('hex')).toBe(
      Buffer.from(s, 'hex').toString('hex').padStart(64, '0'),
    );
  });

  it('pads a short s the same way', () => {
    const der = derSequence(
      derInteger(Buffer.from('55'.repeat(32), 'hex')),
      derInteger(Buffer.from('0102', 'hex')),
    );
    const jose = Buffer.from(derToJoseSignature(der));
    expect(jose.subarray(32).toString('hex')).toBe(`${'00'.repeat(30)}0102`);
  });

  it.each([
    ['not a sequence', Buffer.from('3102020101020101', 'hex'), /not a DER sequence/],
    ['a part that is not an integer', Buffer.from('3006040101020101', 'hex'), /not a DER integer/],
    [
      'a part longer than P-256 allows',
      derSequence(
        derInteger(Buffer.from(`01${'00'.repeat(32)}`, 'hex')),
        derInteger(Buffer.from('01', 'hex')),
      ),
      /longer than P-256/,
    ],
  ])('refuses %s', (_name, der, message) => {
    expect(() => derToJoseSignature(der)).toThrow(message);
  });
});

describe('compact JWS', () => {
  const header: JwsHeader = { alg: 'ES256', kid: 'key-1', typ: 'lienthong-receipt+jwt' };
  const payload = { documentId: 'doc_x', sender: '000.00.00.G22', note: 'Văn phòng Chính phủ ?>' };

  it('round-trips header, payload, signing input and signature', () => {
    const signingInput = jwsSigningInput(header, payload);
    const signature = derToJoseSignature(sign('sha256', Buffer.from(signingInput), privateKey));
    const token = compactJws(signingInput, signature);

    expect(token).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    const decoded = decodeCompactJws(token);
    expect(decoded.header).toEqual(header);
    expect(decoded.payload).toEqual(payload);
    expect(decoded.signingInput).toBe(signingInput);
    expect(Buffer.from(decoded.signature).equals(Buffer.from(signature))).toBe(true);
    const ok = verify(
      'sha256',
      Buffer.from(decoded.signingInput),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      decoded.signature,
    );
    expect(ok).toBe(true);
  });

  it('signs exactly BASE64URL(header).BASE64URL(payload)', () => {
    const [h, p] = jwsSigningInput(header, payload).split('.');
    expect(JSON.parse(Buffer.from(h, 'base64url').toString('utf8'))).toEqual(header);
    expect(JSON.parse(Buffer.from(p, 'base64url').toString('utf8'))).toEqual(payload);
  });

  it.each(['a.b', 'a.b.c.d', ''])('refuses %j, which is not three parts', (token) => {
    expect(() => decodeCompactJws(token)).toThrow(/three parts/);
  });
});
