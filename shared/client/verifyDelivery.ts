import { createHash, type KeyObject, verify } from 'node:crypto';
import { decodeCompactJws } from '../domain/jws';
import { DELIVERY_HEADERS } from '../services/routeMessage';

/** Why a webhook delivery was not accepted as coming from the axis. */
export class DeliveryVerificationError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'DeliveryVerificationError';
  }
}

export interface VerifiedDelivery {
  readonly messageId: string;
  readonly documentId: string;
  readonly kind: string;
  readonly from: string;
  readonly keyId: string;
}

/**
 * What a webhook receiver does with a delivery before trusting it: checks the
 * axis's ES256 signature in `x-lienthong-signature` with the axis's public
 * key, that the signed SHA-256 is the body's, and that the delivery is
 * addressed to this agency. Nothing but the public key is needed.
 *
 * @param publicKeyFor returns the axis's public key for a JWS `kid`.
 */
export function verifyDelivery(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Uint8Array,
  expectedRecipient: string,
  publicKeyFor: (keyId: string) => KeyObject | undefined,
): VerifiedDelivery {
  const token = headers[DELIVERY_HEADERS.signature];
  if (typeof token !== 'string') throw new DeliveryVerificationError('no signature header');
  let jws: ReturnType<typeof decodeCompactJws>;
  try {
    jws = decodeCompactJws(token);
  } catch {
    throw new DeliveryVerificationError('the signature header is not a compact JWS');
  }
  if (jws.header.alg !== 'ES256') throw new DeliveryVerificationError('unexpected algorithm');
  const key = publicKeyFor(jws.header.kid);
  if (!key) throw new DeliveryVerificationError(`no public key for kid ${jws.header.kid}`);
  const valid = verify(
    'sha256',
    Buffer.from(jws.signingInput, 'ascii'),
    { key, dsaEncoding: 'ieee-p1363' },
    jws.signature,
  );
  if (!valid) throw new DeliveryVerificationError('the axis signature does not verify');
  const payload = jws.payload;
  const sha256 = createHash('sha256').update(body).digest('hex');
  if (payload.sha256 !== sha256) throw new DeliveryVerificationError('body digest mismatch');
  if (payload.to !== expectedRecipient) {
    throw new DeliveryVerificationError(`addressed to ${String(payload.to)}, not to us`);
  }
  if (payload.messageId !== headers[DELIVERY_HEADERS.messageId]) {
    throw new DeliveryVerificationError('message id header does not match the signed one');
  }
  return {
    messageId: String(payload.messageId),
    documentId: String(payload.documentId),
    kind: String(payload.kind),
    from: String(payload.from),
    keyId: jws.header.kid,
  };
}
