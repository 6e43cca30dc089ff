/**
 * Just enough DER to check the signature of a certificate or CRL without a
 * round trip through WebCrypto (which is asynchronous): the exact
 * to-be-signed bytes, the algorithm and the signature value. Certificate and
 * CertificateList share that outer shape (RFC 5280, 4.1 and 5.1).
 */

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly end: number;
}

const SEQUENCE = 0x30;
const BIT_STRING = 0x03;
const OBJECT_IDENTIFIER = 0x06;

/** Reads one tag-length-value; only what DER allows (definite, minimal lengths). */
function readTlv(bytes: Uint8Array, offset: number, limit: number): Tlv {
  if (offset + 2 > limit) throw new DerError('truncated');
  const tag = bytes[offset] as number;
  // High tag numbers never occur in the structures read here.
  if ((tag & 0x1f) === 0x1f) throw new DerError('high tag number');
  let length = bytes[offset + 1] as number;
  let at = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4 || at + count > limit) throw new DerError('bad length');
    if (bytes[at] === 0) throw new DerError('non-minimal length');
    length = 0;
    for (let i = 0; i < count; i += 1) length = length * 256 + (bytes[at + i] as number);
    at += count;
    if (length < 0x80) throw new DerError('non-minimal length');
  }
  const end = at + length;
  if (end > limit) throw new DerError('truncated');
  return { tag, start: offset, contentStart: at, end };
}

function childrenOf(bytes: Uint8Array, parent: Tlv): Tlv[] {
  const children: Tlv[] = [];
  for (let at = parent.contentStart; at < parent.end; ) {
    const child = readTlv(bytes, at, parent.end);
    children.push(child);
    at = child.end;
  }
  return children;
}

/** The parts of a signed X.509 structure, each a view into the input. */
export interface SignedStructure {
  /** The exact to-be-signed bytes (tbsCertificate or tbsCertList). */
  readonly tbs: Uint8Array;
  /** Dotted OID of the outer signatureAlgorithm. */
  readonly algorithmOid: string;
  /** The signature bits. */
  readonly signature: Uint8Array;
}

/**
 * Splits `der` into to-be-signed bytes, algorithm and signature.
 *
 * @throws DerError unless `der` is exactly one SEQUENCE of a SEQUENCE, an
 *   AlgorithmIdentifier and a BIT STRING, and the inner algorithm of the
 *   to-be-signed part is byte for byte the outer one (RFC 5280 requires it,
 *   and a mismatch is how algorithm-substitution tricks start).
 */
export function splitSigned(der: Uint8Array): SignedStructure {
  const outer = readTlv(der, 0, der.length);
  if (outer.tag !== SEQUENCE || outer.end !== der.length) {
    throw new DerError('not a single SEQUENCE');
  }
  const [tbs, algorithm, signature, ...rest] = childrenOf(der, outer);
  if (
    tbs?.tag !== SEQUENCE ||
    algorithm?.tag !== SEQUENCE ||
    signature?.tag !== BIT_STRING ||
    rest.length > 0
  ) {
    throw new DerError('not a signed structure');
  }
  const inner = childrenOf(der, tbs).find((child) => child.tag === SEQUENCE);
  const outerAlgorithm = der.subarray(algorithm.start, algorithm.end);
  if (!inner || !sameBytes(der.subarray(inner.start, inner.end), outerAlgorithm)) {
    throw new DerError('inner and outer signature algorithms differ');
  }
  const [oid] = childrenOf(der, algorithm);
  if (oid?.tag !== OBJECT_IDENTIFIER) throw new DerError('no algorithm OID');
  // The first content octet of a BIT STRING counts unused bits; signatures use none.
  if (signature.end - signature.contentStart < 2 || der[signature.contentStart] !== 0) {
    throw new DerError('bad signature bit string');
  }
  return {
    tbs: der.subarray(tbs.start, tbs.end),
    algorithmOid: decodeOid(der.subarray(oid.contentStart, oid.end)),
    signature: der.subarray(signature.contentStart + 1, signature.end),
  };
}

/** Dotted form of an OID's content octets. */
export function decodeOid(content: Uint8Array): string {
  const arcs: number[] = [];
  let value = 0;
  let octets = 0;
  for (const byte of content) {
    if (octets === 0 && byte === 0x80) throw new DerError('non-minimal OID');
    value = value * 128 + (byte & 0x7f);
    octets += 1;
    // Seven octets stay below 2^53; no real OID comes near.
    if (octets > 7) throw new DerError('OID arc too large');
    if ((byte & 0x80) === 0) {
      arcs.push(value);
      value = 0;
      octets = 0;
    }
  }
  if (octets !== 0 || arcs.length === 0) throw new DerError('truncated OID');
  const first = arcs[0] as number;
  const top = Math.min(Math.floor(first / 40), 2);
  return [top, first - top * 40, ...arcs.slice(1)].join('.');
}

export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, index) => byte === b[index]);
}
