import { compactJws, derToJoseSignature, type JwsHeader, jwsSigningInput } from '../domain/jws';
import type { Signer } from '../domain/ports';

/** Media types of the axis's signed statements, carried in the JWS `typ`. */
export const RECEIPT_TYPE = 'lienthong-receipt+jwt';
export const DELIVERY_TYPE = 'lienthong-delivery+jwt';
export const REJECTION_TYPE = 'lienthong-rejection+jwt';

/**
 * Signs a small JSON statement with the axis's key and returns a compact
 * ES256 JWS. Anyone holding the axis's public key can check it with an
 * ordinary JOSE library.
 */
export async function signStatement(signer: Signer, typ: string, payload: object): Promise<string> {
  const header: JwsHeader = { alg: 'ES256', kid: signer.keyId, typ };
  const signingInput = jwsSigningInput(header, payload);
  const der = await signer.sign(Buffer.from(signingInput, 'ascii'));
  return compactJws(signingInput, derToJoseSignature(der));
}
