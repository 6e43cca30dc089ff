import { createPublicKey, type JsonWebKey, type KeyObject } from 'node:crypto';

/**
 * Reads the axis's JSON Web Key Set and returns a lookup by `kid`, which is
 * all a recipient needs to check the axis's signatures (see verifyDelivery).
 * Fetch it again when a signature names a kid that is not in it: the axis
 * has rotated its key.
 */
export async function fetchAxisKeys(
  axisUrl: string,
): Promise<(kid: string) => KeyObject | undefined> {
  const response = await fetch(new URL('/.well-known/jwks.json', axisUrl));
  if (!response.ok) throw new Error(`the axis answered ${response.status} for its JWKS`);
  const { keys } = (await response.json()) as { keys: Array<{ kid: string } & JsonWebKey> };
  const byKid = new Map(keys.map((jwk) => [jwk.kid, createPublicKey({ key: jwk, format: 'jwk' })]));
  return (kid) => byKid.get(kid);
}
