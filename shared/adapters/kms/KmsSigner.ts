import { GetPublicKeyCommand, KMSClient, SignCommand } from '@aws-sdk/client-kms';
import type { Signer } from '../../domain/ports';

let client: KMSClient | undefined;

/**
 * The name of a key in JWS headers and the JWKS: the key's own id, without
 * the ARN's account and region, so it is the same whichever form configures it.
 */
export function kidOf(keyArnOrId: string): string {
  return keyArnOrId.split('/').pop() ?? keyArnOrId;
}

/**
 * The axis's signing key in KMS (ECC_NIST_P256, ECDSA_SHA_256).
 *
 * Messages are sent RAW and KMS hashes them. MessageType DIGEST is avoided on
 * purpose: some emulators hash a digest again, which yields signatures that
 * verify nowhere else. Callers keep messages small (a JWS over a digest).
 */
export class KmsSigner implements Signer {
  readonly keyId: string;

  constructor(private readonly keyArnOrId: string) {
    this.keyId = kidOf(keyArnOrId);
  }

  async sign(message: Uint8Array): Promise<Uint8Array> {
    client ??= new KMSClient({});
    const { Signature } = await client.send(
      new SignCommand({
        KeyId: this.keyArnOrId,
        Message: message,
        MessageType: 'RAW',
        SigningAlgorithm: 'ECDSA_SHA_256',
      }),
    );
    if (!Signature) throw new Error('KMS returned no signature');
    return Signature;
  }

  /** The key's public half, DER SubjectPublicKeyInfo, for whoever verifies the axis. */
  async publicKeyDer(): Promise<Uint8Array> {
    client ??= new KMSClient({});
    const { PublicKey } = await client.send(new GetPublicKeyCommand({ KeyId: this.keyArnOrId }));
    if (!PublicKey) throw new Error('KMS returned no public key');
    return PublicKey;
  }
}
