/**
 * Compact JWS (RFC 7515) with ES256, for the axis's own signatures: receipts
 * and webhook deliveries. The payload is a small JSON structure that holds
 * the SHA-256 of the bytes it speaks for, so the key signs a few hundred
 * bytes whatever the document's size (KMS signs RAW messages up to 4 KiB).
 */

export interface JwsHeader {
  readonly alg: 'ES256';
  readonly kid: string;
  readonly typ: string;
}

function base64url(value: Uint8Array | string): string {
  return Buffer.from(value).toString('base64url');
}

/** The bytes that the key signs: `BASE64URL(header).BASE64URL(payload)`. */
export function jwsSigningInput(header: JwsHeader, payload: object): string {
  return `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(payload))}`;
}

/**
 * Turns the DER `ECDSA-Sig-Value` that KMS returns into the 64-byte `r || s`
 * form that JWS requires (RFC 7518, section 3.4).
 */
export function derToJoseSignature(der: Uint8Array): Uint8Array {
  const bytes = Buffer.from(der);
  if (bytes[0] !== 0x30) throw new Error('ECDSA signature is not a DER sequence');
  let offset = 2;
  if (bytes[1] & 0x80) offset = 2 + (bytes[1] & 0x7f);
  const readInteger = (): Buffer => {
    if (bytes[offset] !== 0x02) throw new Error('ECDSA signature part is not a DER integer');
    const length = bytes[offset + 1];
    const value = bytes.subarray(offset + 2, offset + 2 + length);
    offset += 2 + length;
    const trimmed = value[0] === 0 ? value.subarray(1) : value;
    if (trimmed.length > 32) throw new Error('ECDSA signature part is longer than P-256 allows');
    return Buffer.concat([Buffer.alloc(32 - trimmed.length), trimmed]);
  };
  const r = readInteger();
  const s = readInteger();
  return Buffer.concat([r, s]);
}

/** Joins a signing input and a JOSE signature into the compact serialisation. */
export function compactJws(signingInput: string, joseSignature: Uint8Array): string {
  return `${signingInput}.${base64url(joseSignature)}`;
}

export interface DecodedJws {
  readonly header: JwsHeader;
  readonly payload: Record<string, unknown>;
  readonly signingInput: string;
  readonly signature: Uint8Array;
}

/** Splits a compact JWS without checking it; callers verify `signature` themselves. */
export function decodeCompactJws(token: string): DecodedJws {
  const parts = token.split('.');
  if (parts.length !== 3) throw new Error('a compact JWS has three parts');
  const [header, payload, signature] = parts;
  return {
    header: JSON.parse(Buffer.from(header, 'base64url').toString('utf8')),
    payload: JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')),
    signingInput: `${header}.${payload}`,
    signature: Buffer.from(signature, 'base64url'),
  };
}
