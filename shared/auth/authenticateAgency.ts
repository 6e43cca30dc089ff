import { createHash, createPublicKey, timingSafeEqual, verify } from 'node:crypto';
import { AxisError } from '../domain/AxisError';
import type { AgencyDirectory, Clock, NonceStore } from '../domain/ports';
import type { Agency } from '../domain/records';
import {
  AUTH_HEADERS,
  canonicalRequest,
  NONCE_PATTERN,
  REPLAY_WINDOW_SECONDS,
  SCHEME,
} from './requestSignature';

export interface IncomingRequest {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | undefined>>;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

export interface AuthenticationDeps {
  readonly directory: AgencyDirectory;
  readonly nonces: NonceStore;
  readonly clock: Clock;
}

/**
 * The one place that decides who is calling: checks an LT1-ES256 signed
 * request (see requestSignature.ts) and returns the agency that signed it.
 *
 * The checks run cheapest first, and the nonce is spent only once the
 * signature holds, so nobody can burn an agency's nonces without its key.
 * Every failure is a 401 with its own code; an unknown agency and an unknown
 * key get the same answer, so a caller cannot probe which agencies exist.
 */
export async function authenticateAgency(
  deps: AuthenticationDeps,
  request: IncomingRequest,
): Promise<Agency> {
  const header = (name: string) => request.headers[name]?.trim() ?? '';
  const agencyId = header(AUTH_HEADERS.agency);
  const keyId = header(AUTH_HEADERS.keyId);
  const timestamp = header(AUTH_HEADERS.timestamp);
  const nonce = header(AUTH_HEADERS.nonce);
  const contentSha256 = header(AUTH_HEADERS.contentSha256).toLowerCase();
  const [scheme, signature, ...extra] = header(AUTH_HEADERS.authorization).split(/\s+/);
  if (!agencyId || !keyId || !timestamp || !nonce || !contentSha256 || !signature) {
    throw new AxisError(
      'UNAUTHENTICATED',
      `sign the request with ${SCHEME}: send ${Object.values(AUTH_HEADERS).join(', ')}`,
    );
  }
  // Scheme names are case-insensitive (RFC 9110, section 11.1).
  if (scheme.toUpperCase() !== SCHEME || extra.length > 0) {
    throw new AxisError(
      'UNAUTHENTICATED',
      `the authorization header must be "${SCHEME} <signature>"`,
    );
  }
  if (!NONCE_PATTERN.test(nonce)) {
    throw new AxisError('UNAUTHENTICATED', 'the nonce must be 16 to 64 URL-safe characters');
  }

  const now = deps.clock.now().getTime();
  const signedAt = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) * 1000 : Number.NaN;
  if (!(Math.abs(now - signedAt) <= REPLAY_WINDOW_SECONDS * 1000)) {
    throw new AxisError(
      'STALE_TIMESTAMP',
      `the request timestamp is more than ${REPLAY_WINDOW_SECONDS} s from the axis's clock`,
    );
  }
  if (!sameDigest(contentSha256, createHash('sha256').update(request.body).digest('hex'))) {
    throw new AxisError('BODY_DIGEST_MISMATCH', 'the body is not the one whose digest was signed');
  }

  const agency = agencyId.length <= 64 ? await deps.directory.get(agencyId) : undefined;
  const key = agency?.keys.find((candidate) => candidate.keyId === keyId);
  if (!agency || !key) throw new AxisError('UNAUTHENTICATED', 'unknown agency or key');
  const text = canonicalRequest({ ...request, agencyId, keyId, timestamp, nonce, contentSha256 });
  const publicKey = createPublicKey({
    key: Buffer.from(key.publicKeySpki, 'base64'),
    format: 'der',
    type: 'spki',
  });
  const valid = verify(
    'sha256',
    Buffer.from(text, 'utf8'),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  );
  if (!valid) throw new AxisError('BAD_REQUEST_SIGNATURE', 'the request signature does not verify');

  // Kept past the window on both sides, so a nonce cannot come back while
  // its timestamp would still be accepted.
  const expiresAt = new Date(signedAt + 2 * REPLAY_WINDOW_SECONDS * 1000);
  if (!(await deps.nonces.claim(agencyId, nonce, expiresAt))) {
    throw new AxisError('REPLAYED_REQUEST', 'this nonce was already used');
  }
  return agency;
}

function sameDigest(presented: string, actual: string): boolean {
  const a = Buffer.from(presented, 'utf8');
  const b = Buffer.from(actual, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}
