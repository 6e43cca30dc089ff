import { createPublicKey } from 'node:crypto';
import type { PublicKeySource } from '../domain/ports';

export interface Jwk {
  readonly kty: string;
  readonly crv: string;
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly use: 'sig';
  readonly alg: 'ES256';
}

/**
 * The axis's public keys as a JSON Web Key Set (RFC 7517): the current
 * signing key and every retired one, so that receipts and deliveries signed
 * before a rotation still verify. Agencies match a signature's `kid` to a key
 * here and need nothing else.
 */
export async function publishKeys(source: PublicKeySource): Promise<{ keys: Jwk[] }> {
  const keys = await source.list();
  return {
    keys: keys.map(({ kid, spki }) => {
      const jwk = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' }).export({
        format: 'jwk',
      });
      if (jwk.kty !== 'EC' || jwk.crv !== 'P-256' || !jwk.x || !jwk.y) {
        throw new Error(`signing key ${kid} is not an ECC_NIST_P256 key`);
      }
      return { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, use: 'sig', alg: 'ES256' };
    }),
  };
}
