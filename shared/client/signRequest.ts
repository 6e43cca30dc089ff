import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';
import { AUTH_HEADERS, canonicalRequest, SCHEME } from '../auth/requestSignature';

/** An agency's request-signing key: the private half stays with the agency. */
export interface AgencyCredential {
  readonly agencyId: string;
  readonly keyId: string;
  readonly privateKey: KeyObject;
}

/**
 * Makes a P-256 key pair for an agency. The public half (DER SPKI, base64) is
 * what the operator registers; the private half never leaves the agency.
 */
export function generateAgencyKey(): { privateKey: KeyObject; publicKeySpki: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const spki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
  return { privateKey, publicKeySpki: spki };
}

/**
 * The headers that authenticate one request under the LT1-ES256 scheme.
 *
 * @example
 * const headers = signRequest(credential, { method: 'POST', path: '/v1/documents', body });
 */
export function signRequest(
  credential: AgencyCredential,
  request: {
    method: string;
    path: string;
    query?: Record<string, string>;
    body?: Uint8Array;
    now?: Date;
    nonce?: string;
  },
): Record<string, string> {
  const timestamp = String(Math.floor((request.now ?? new Date()).getTime() / 1000));
  const nonce = request.nonce ?? randomBytes(18).toString('base64url');
  const contentSha256 = createHash('sha256')
    .update(request.body ?? new Uint8Array())
    .digest('hex');
  const text = canonicalRequest({
    method: request.method,
    path: request.path,
    query: request.query ?? {},
    agencyId: credential.agencyId,
    keyId: credential.keyId,
    timestamp,
    nonce,
    contentSha256,
  });
  const signature = sign('sha256', Buffer.from(text, 'utf8'), {
    key: credential.privateKey,
    dsaEncoding: 'ieee-p1363',
  });
  return {
    [AUTH_HEADERS.agency]: credential.agencyId,
    [AUTH_HEADERS.keyId]: credential.keyId,
    [AUTH_HEADERS.timestamp]: timestamp,
    [AUTH_HEADERS.nonce]: nonce,
    [AUTH_HEADERS.contentSha256]: contentSha256,
    [AUTH_HEADERS.authorization]: `${SCHEME} ${signature.toString('base64url')}`,
  };
}
