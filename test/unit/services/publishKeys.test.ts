import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCompactJws } from '#shared/domain/jws';
import { signStatement } from '#shared/services/axisSignature';
import { publishKeys } from '#shared/services/publishKeys';
import { FakePublicKeys, FakeSigner } from '../../support/fakes';

describe('publishKeys', () => {
  it('lists the current and retired keys, each by the kid its signatures carry', async () => {
    const retired = new FakeSigner('key-2025');
    const current = new FakeSigner('key-2026');

    const jwks = await publishKeys(new FakePublicKeys([current, retired]));

    expect(jwks.keys.map((key) => key.kid)).toEqual(['key-2026', 'key-2025']);
    for (const key of jwks.keys) {
      expect(key).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'sig', alg: 'ES256' });
    }
  });

  it.each([
    ['the current key', 0],
    ['a retired key', 1],
  ])('lets a statement signed with %s be verified from the JWKS alone', async (_, index) => {
    const signers = [new FakeSigner('key-new'), new FakeSigner('key-old')];
    const token = await signStatement(signers[index], 'lienthong-receipt+jwt', { sha256: 'ab' });

    const jwks = await publishKeys(new FakePublicKeys(signers));
    const jws = decodeCompactJws(token);
    const jwk = jwks.keys.find((key) => key.kid === jws.header.kid);
    const key = createPublicKey({ key: { ...jwk }, format: 'jwk' });

    expect(jwk).toBeDefined();
    expect(
      verify(
        'sha256',
        Buffer.from(jws.signingInput),
        { key, dsaEncoding: 'ieee-p1363' },
        jws.signature,
      ),
    ).toBe(true);
  });

  it('refuses to publish a key that is not P-256', async () => {
    const rsa = {
      list: async () => [
        {
          kid: 'rsa',
          spki: (await import('node:crypto'))
            .generateKeyPairSync('rsa', { modulusLength: 1024 })
            .publicKey.export({ format: 'der', type: 'spki' }),
        },
      ],
    };

    await expect(publishKeys(rsa)).rejects.toThrow('not an ECC_NIST_P256 key');
  });
});
