/**
 * Request signing for the link to the national axis: HMAC-SHA256 over a
 * canonical string, with a secret shared by the national axis and each
 * connected system. Both sides use this module (HttpNationalAxis signs, the
 * local simulator verifies), so they cannot drift apart.
 *
 * Every request carries:
 *
 *     X-System-Id: lienthong-prod          who is calling
 *     X-Timestamp: 1796400000              Unix seconds, within 300 s of the receiver's clock
 *     X-Content-SHA256: e3b0c442…          lowercase hex SHA-256 of the body (of nothing for GET)
 *     X-Signed-Headers: x-system-id;x-timestamp;x-content-sha256
 *     X-Signature: <base64 HMAC-SHA256(secret, canonical string)>
 *
 * The canonical string is the method, the path with its query string exactly
 * as sent, then one `name:value` line per signed header in the listed order,
 * all joined by `\n`. Listing the signed headers lets a request bind extra
 * headers (`x-to`, `x-message-id` on sendEdoc) without changing the scheme;
 * the receiver decides which ones it requires.
 *
 * Pure node:crypto: no I/O, no clock except the one passed in.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../domain/ids';

export const NATIONAL_HEADERS = {
  systemId: 'x-system-id',
  timestamp: 'x-timestamp',
  contentSha256: 'x-content-sha256',
  signedHeaders: 'x-signed-headers',
  signature: 'x-signature',
  to: 'x-to',
  messageId: 'x-message-id',
} as const;

/** Headers every request must sign, whatever the call. */
export const ALWAYS_SIGNED: readonly string[] = [
  NATIONAL_HEADERS.systemId,
  NATIONAL_HEADERS.timestamp,
  NATIONAL_HEADERS.contentSha256,
];

/** How far a request's timestamp may be from the receiver's clock, either way. */
export const NATIONAL_CLOCK_SKEW_SECONDS = 300;

/** Why a request was refused; each maps to a 401 with the same code. */
export type NationalAuthFailure =
  | 'MISSING_AUTH_HEADER'
  | 'UNKNOWN_SYSTEM'
  | 'STALE_TIMESTAMP'
  | 'HEADER_NOT_SIGNED'
  | 'BODY_DIGEST_MISMATCH'
  | 'BAD_SIGNATURE';

export type NationalVerification =
  | { readonly ok: true; readonly systemId: string }
  | { readonly ok: false; readonly code: NationalAuthFailure; readonly message: string };

/** The body digest as the X-Content-SHA256 header carries it: lowercase hex. */
export { sha256Hex };

/**
 * The exact text that is signed: method, path with query, then `name:value`
 * for each signed header in `signedHeaders` order. A header listed but absent
 * from `headers` signs as an empty value; verification refuses that case
 * before it gets here.
 */
export function canonicalString(
  method: string,
  pathWithQuery: string,
  signedHeaders: readonly string[],
  headers: Readonly<Record<string, string | undefined>>,
): string {
  const lines = signedHeaders.map((name) => `${name}:${headers[name] ?? ''}`);
  return [method.toUpperCase(), pathWithQuery, ...lines].join('\n');
}

function hmac(secret: string, text: string): Buffer {
  return createHmac('sha256', secret).update(text, 'utf8').digest();
}

export interface NationalRequestToSign {
  readonly method: string;
  /** Path and query string exactly as they go on the request line, e.g. `/getEdoc/abc?x=1`. */
  readonly pathWithQuery: string;
  /** Absent or empty for GET: the digest is then that of the empty string. */
  readonly body?: Uint8Array;
  /** Extra headers to send and sign (names lowercase), e.g. `x-to` and `x-message-id`. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly systemId: string;
  readonly secret: string;
  readonly now: Date;
}

/**
 * Signs a request. Returns every header to send: the extra headers passed in,
 * the three always-signed ones, the list of signed headers and the signature.
 */
export function signNationalRequest(request: NationalRequestToSign): Record<string, string> {
  const extra = Object.fromEntries(
    Object.entries(request.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const headers: Record<string, string> = {
    ...extra,
    [NATIONAL_HEADERS.systemId]: request.systemId,
    [NATIONAL_HEADERS.timestamp]: String(Math.floor(request.now.getTime() / 1000)),
    [NATIONAL_HEADERS.contentSha256]: sha256Hex(request.body ?? new Uint8Array()),
  };
  const signed = [
    ...ALWAYS_SIGNED,
    ...Object.keys(extra).filter((n) => !ALWAYS_SIGNED.includes(n)),
  ];
  const text = canonicalString(request.method, request.pathWithQuery, signed, headers);
  return {
    ...headers,
    [NATIONAL_HEADERS.signedHeaders]: signed.join(';'),
    [NATIONAL_HEADERS.signature]: hmac(request.secret, text).toString('base64'),
  };
}

export interface NationalRequestToVerify {
  readonly method: string;
  readonly pathWithQuery: string;
  /** Header names lowercase, as node:http gives them. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Uint8Array;
  /** Headers this call must sign beyond {@link ALWAYS_SIGNED}. */
  readonly alsoRequired?: readonly string[];
  /** The shared secret of a system, or undefined for a system nobody connected. */
  readonly secretOf: (systemId: string) => string | undefined;
  readonly now: Date;
}

const TIMESTAMP_PATTERN = /^\d{1,12}$/;
const HEADER_NAME_PATTERN = /^[a-z0-9-]+$/;
const SHA256_PATTERN = /^[0-9a-f]{64}$/;

function refuse(code: NationalAuthFailure, message: string): NationalVerification {
  return { ok: false, code, message };
}

function single(value: string | readonly string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Checks a request, cheapest and least revealing checks first: presence of
 * the headers, the system, the clock, the list of signed headers, the body
 * digest, and last the signature (compared in constant time). Messages name
 * what is wrong, never the secret or the expected signature.
 */
export function verifyNationalRequest(request: NationalRequestToVerify): NationalVerification {
  const header = (name: string) => single(request.headers[name]);
  const systemId = header(NATIONAL_HEADERS.systemId);
  const timestamp = header(NATIONAL_HEADERS.timestamp);
  const contentSha256 = header(NATIONAL_HEADERS.contentSha256);
  const signedList = header(NATIONAL_HEADERS.signedHeaders);
  const signature = header(NATIONAL_HEADERS.signature);
  if (!systemId || !timestamp || !contentSha256 || !signedList || !signature) {
    return refuse(
      'MISSING_AUTH_HEADER',
      'sign the request: send X-System-Id, X-Timestamp, X-Content-SHA256, X-Signed-Headers ' +
        'and X-Signature',
    );
  }

  const secret = request.secretOf(systemId);
  if (secret === undefined) return refuse('UNKNOWN_SYSTEM', 'unknown system');

  const seconds = TIMESTAMP_PATTERN.test(timestamp) ? Number(timestamp) : Number.NaN;
  const skew = Math.abs(request.now.getTime() / 1000 - seconds);
  if (!(skew <= NATIONAL_CLOCK_SKEW_SECONDS)) {
    return refuse(
      'STALE_TIMESTAMP',
      `X-Timestamp must be Unix seconds within ${NATIONAL_CLOCK_SKEW_SECONDS} s ` +
        "of the server's clock",
    );
  }

  const signed = signedList.split(';');
  if (signed.some((name) => !HEADER_NAME_PATTERN.test(name))) {
    return refuse(
      'HEADER_NOT_SIGNED',
      'X-Signed-Headers must be lowercase header names joined by ;',
    );
  }
  if (new Set(signed).size !== signed.length) {
    return refuse('HEADER_NOT_SIGNED', 'X-Signed-Headers lists a header twice');
  }
  const required = [...ALWAYS_SIGNED, ...(request.alsoRequired ?? [])];
  const unsigned = required.filter((name) => !signed.includes(name));
  if (unsigned.length > 0) {
    return refuse('HEADER_NOT_SIGNED', `these headers must be signed: ${unsigned.join(', ')}`);
  }
  const absent = signed.filter((name) => header(name) === undefined);
  if (absent.length > 0) {
    return refuse(
      'HEADER_NOT_SIGNED',
      `signed headers missing from the request: ${absent.join(', ')}`,
    );
  }

  if (!SHA256_PATTERN.test(contentSha256) || contentSha256 !== sha256Hex(request.body)) {
    return refuse('BODY_DIGEST_MISMATCH', 'X-Content-SHA256 is not the SHA-256 of the body');
  }

  const values = Object.fromEntries(signed.map((name) => [name, header(name)]));
  const expected = hmac(
    secret,
    canonicalString(request.method, request.pathWithQuery, signed, values),
  );
  const given = Buffer.from(signature, 'base64');
  // Node's base64 decoder skips characters it does not know; requiring the
  // canonical encoding keeps one signature to one spelling. Lengths are
  // public (always 32 bytes) and timingSafeEqual needs them equal.
  const canonical = given.toString('base64') === signature;
  if (!canonical || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return refuse('BAD_SIGNATURE', 'X-Signature does not match the request');
  }
  return { ok: true, systemId };
}
