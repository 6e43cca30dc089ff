/**
 * The request-signing scheme agencies use, `LT1-ES256`, shared by the axis
 * (which checks) and clients (which sign), so both build the same bytes.
 *
 * In the spirit of the national axis's signed headers, each request carries:
 *
 *     x-lienthong-agency: 000.00.00.G22          who is calling
 *     x-lienthong-key-id: 2026-01                which of its registered keys signed
 *     x-lienthong-timestamp: 1796400000          Unix seconds
 *     x-lienthong-nonce: 3q2-7wZk…               16 to 64 URL-safe characters, never reused
 *     x-lienthong-content-sha256: e3b0c4…        hex SHA-256 of the body (of nothing for GET)
 *     authorization: LT1-ES256 <base64url r||s>  ECDSA P-256 over the string below
 *
 * The signature covers, one per line: the scheme name, the method, the path,
 * the query with its parameters sorted, the agency, the key id, the
 * timestamp, the nonce and the body digest. Agencies hold their private key;
 * the axis stores only public keys, so nothing it keeps lets anyone sign as
 * an agency.
 */
export const SCHEME = 'LT1-ES256';

export const AUTH_HEADERS = {
  agency: 'x-lienthong-agency',
  keyId: 'x-lienthong-key-id',
  timestamp: 'x-lienthong-timestamp',
  nonce: 'x-lienthong-nonce',
  contentSha256: 'x-lienthong-content-sha256',
  authorization: 'authorization',
} as const;

/** How far a request's timestamp may be from the axis's clock, either way. */
export const REPLAY_WINDOW_SECONDS = 300;

export const NONCE_PATTERN = /^[A-Za-z0-9_-]{16,64}$/;

export interface SignedRequestParts {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly agencyId: string;
  readonly keyId: string;
  readonly timestamp: string;
  readonly nonce: string;
  readonly contentSha256: string;
}

/** The exact text that is signed; see the module comment. */
export function canonicalRequest(parts: SignedRequestParts): string {
  const query = Object.entries(parts.query)
    .filter((entry): entry is [string, string] => entry[1] !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return [
    SCHEME,
    parts.method.toUpperCase(),
    parts.path,
    query,
    parts.agencyId,
    parts.keyId,
    parts.timestamp,
    parts.nonce,
    parts.contentSha256,
  ].join('\n');
}
