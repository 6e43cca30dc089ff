import { createHash, type KeyObject } from 'node:crypto';
import { DELIVERY_TYPE } from '../services/axisSignature';
import { DELIVERY_HEADERS } from '../services/routeMessage';
import { AxisSignatureError, verifyAxisJws } from './verifyAxisJws';

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
 * addressed to this agency. Nothing but the published keys is needed.
 *
 * @param publicKeyFor returns the axis's public key for a JWS `kid` (see fetchAxisKeys).
 */
export function verifyDelivery(
  headers: Readonly<Record<string, string | string[] | undefined>>,
  body: Uint8Array,
  expectedRecipient: string,
  publicKeyFor: (keyId: string) => KeyObject | undefined,
): VerifiedDelivery {
  const token = headers[DELIVERY_HEADERS.signature];
  if (typeof token !== 'string') throw new DeliveryVerificationError('no signature header');
  let payload: Record<string, unknown>;
  let keyId: string;
  try {
    const jws = verifyAxisJws(token, DELIVERY_TYPE, publicKeyFor);
    payload = jws.payload;
    keyId = jws.header.kid;
  } catch (error) {
    if (error instanceof AxisSignatureError) throw new DeliveryVerificationError(error.message);
    throw error;
  }
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
    keyId,
  };
}
