import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { CreateKeyCommand, KMSClient, ScheduleKeyDeletionCommand } from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmsPublicKeys } from '#shared/adapters/kms/KmsPublicKeys';
import { KmsSigner } from '#shared/adapters/kms/KmsSigner';
import { decodeCompactJws } from '#shared/domain/jws';
import { RECEIPT_TYPE, signStatement } from '#shared/services/axisSignature';
import { clientSettings } from '../../../local/awsClients';
import type { ProvisionedAxis } from '../../../local/provision';
import { provisionTestAxis } from '../../support/testAxis';

let axis: ProvisionedAxis;
let signer: KmsSigner;
let publicKey: KeyObject;

beforeAll(async () => {
  axis = await provisionTestAxis('kms-signer');
  signer = new KmsSigner(axis.signingKey.keyId);
  const der = await signer.publicKeyDer();
  publicKey = createPublicKey({ key: Buffer.from(der), format: 'der', type: 'spki' });
});

afterAll(async () => {
  await axis?.teardown();
});

/** Checks a compact ES256 JWS with nothing but node:crypto and the public key. */
function verifiesWithPublicKey(token: string): boolean {
  const [header, payload, signature] = token.split('.');
  return verify(
    'sha256',
    Buffer.from(`${header}.${payload}`, 'ascii'),
    { key: publicKey, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature ?? '', 'base64url'),
  );
}

const statement = {
  iss: 'lienthong',
  documentId: 'doc_aaaaaaaaaaaaaaaaaaaaaaaaaa',
  sha256: 'ab'.repeat(32),
  recipients: ['000.00.00.H41', '28.22.H17'],
  note: 'Văn phòng Chính phủ',
};

describe('KmsSigner', () => {
  it('publishes a P-256 public key', () => {
    expect(publicKey.asymmetricKeyType).toBe('ec');
    expect(publicKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('names the key by its id, without an ARN around it', () => {
    expect(signer.keyId).toBe(axis.signingKey.keyId);
    expect(new KmsSigner(axis.signingKey.arn).keyId).toBe(axis.signingKey.keyId);
  });

  it('signs a JWS (signStatement) that node:crypto verifies against publicKeyDer()', async () => {
    const token = await signStatement(signer, RECEIPT_TYPE, statement);

    expect(verifiesWithPublicKey(token)).toBe(true);
    const decoded = decodeCompactJws(token);
    expect(decoded.header).toEqual({ alg: 'ES256', kid: signer.keyId, typ: RECEIPT_TYPE });
    expect(decoded.payload).toEqual(statement);
    expect(decoded.signature.byteLength).toBe(64);
  });

  it('gives signatures that stop verifying when the payload or signature is altered', async () => {
    const token = await signStatement(signer, RECEIPT_TYPE, statement);
    const [header, , signature] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ ...statement, sha256: 'cd'.repeat(32) }));
    expect(verifiesWithPublicKey(`${header}.${forged.toString('base64url')}.${signature}`)).toBe(
      false,
    );
    const flipped = Buffer.from(signature ?? '', 'base64url');
    flipped[10] = (flipped[10] ?? 0) ^ 0x01;
    const [h, p] = token.split('.');
    expect(verifiesWithPublicKey(`${h}.${p}.${flipped.toString('base64url')}`)).toBe(false);
  });

  it('signs many times, every signature verifying (r and s of any length)', async () => {
    const tokens = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        signStatement(signer, RECEIPT_TYPE, { ...statement, sequence: i }),
      ),
    );
    for (const token of tokens) expect(verifiesWithPublicKey(token)).toBe(true);
  });

  it('returns DER signatures over the raw message, as node:crypto expects by default', async () => {
    const message = Buffer.from('lienthong raw message', 'utf8');
    const der = await signer.sign(message);
    expect(verify('sha256', message, publicKey, Buffer.from(der))).toBe(true);
    expect(verify('sha256', Buffer.from('another message'), publicKey, Buffer.from(der))).toBe(
      false,
    );
  });
});

describe('KmsPublicKeys', () => {
  let kms: KMSClient;
  let retiredKeyId: string;

  beforeAll(async () => {
    kms = new KMSClient(clientSettings('KMS'));
    const created = await kms.send(
      new CreateKeyCommand({
        KeySpec: 'ECC_NIST_P256',
        KeyUsage: 'SIGN_VERIFY',
        Description: 'lienthong integration test: a retired signing key',
      }),
    );
    retiredKeyId = created.KeyMetadata?.KeyId as string;
  });

  afterAll(async () => {
    if (retiredKeyId) {
      await kms.send(
        new ScheduleKeyDeletionCommand({ KeyId: retiredKeyId, PendingWindowInDays: 7 }),
      );
    }
    kms?.destroy();
  });

  it('lists the current and a retired key by kid, each verifying what it signed', async () => {
    const listed = await new KmsPublicKeys([axis.signingKey.arn, retiredKeyId]).list();

    expect(listed.map((key) => key.kid)).toEqual([axis.signingKey.keyId, retiredKeyId]);
    for (const { kid, spki } of listed) {
      const key = createPublicKey({ key: Buffer.from(spki), format: 'der', type: 'spki' });
      const token = await signStatement(new KmsSigner(kid), RECEIPT_TYPE, statement);
      const [header, payload, signature] = token.split('.');
      const valid = verify(
        'sha256',
        Buffer.from(`${header}.${payload}`, 'ascii'),
        { key, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature ?? '', 'base64url'),
      );
      expect(valid, kid).toBe(true);
    }
    expect(
      Buffer.from(listed[0]?.spki ?? []).equals(Buffer.from(await signer.publicKeyDer())),
    ).toBe(true);
  });
});
