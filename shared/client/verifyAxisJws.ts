import { type KeyObject, verify } from 'node:crypto';
import { type DecodedJws, decodeCompactJws } from '../domain/jws';

/** A statement that does not carry a valid signature of the axis. */
export class AxisSignatureError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'AxisSignatureError';
  }
}

/**
 * Checks a compact JWS made by the axis (a receipt, a delivery header, a
 * rejection) against the axis's published keys and returns it decoded.
 *
 * @param expectedType the `typ` the caller expects, so one kind of statement
 *   cannot be passed off as another
 */
export function verifyAxisJws(
  token: string,
  expectedType: string,
  publicKeyFor: (keyId: string) => KeyObject | undefined,
): DecodedJws {
  let jws: DecodedJws;
  try {
    jws = decodeCompactJws(token.trim());
  } catch {
    throw new AxisSignatureError('not a compact JWS');
  }
  if (jws.header.alg !== 'ES256') throw new AxisSignatureError('unexpected algorithm');
  if (jws.header.typ !== expectedType) {
    throw new AxisSignatureError(`expected a ${expectedType}, got ${String(jws.header.typ)}`);
  }
  const key = publicKeyFor(jws.header.kid);
  if (!key) throw new AxisSignatureError(`no published key has kid ${jws.header.kid}`);
  const valid = verify(
    'sha256',
    Buffer.from(jws.signingInput, 'ascii'),
    { key, dsaEncoding: 'ieee-p1363' },
    jws.signature,
  );
  if (!valid) throw new AxisSignatureError('the axis signature does not verify');
  return jws;
}
