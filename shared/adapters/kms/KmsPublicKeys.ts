import { GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { PublicKeySource } from '../../domain/ports';
import { kidOf } from './KmsSigner';

/**
 * The public halves of the axis's signing keys, current and retired, as DER
 * SubjectPublicKeyInfo. A key's public half never changes, so each is read
 * from KMS once per process.
 */
export class KmsPublicKeys implements PublicKeySource {
  private readonly client = new KMSClient({});
  private readonly cache = new Map<string, Promise<Uint8Array>>();

  constructor(private readonly keyArnsOrIds: readonly string[]) {}

  async list(): Promise<Array<{ kid: string; spki: Uint8Array }>> {
    return Promise.all(
      this.keyArnsOrIds.map(async (key) => ({ kid: kidOf(key), spki: await this.fetch(key) })),
    );
  }

  private fetch(key: string): Promise<Uint8Array> {
    let pending = this.cache.get(key);
    if (!pending) {
      pending = this.client.send(new GetPublicKeyCommand({ KeyId: key })).then(({ PublicKey }) => {
        if (!PublicKey) throw new Error(`KMS returned no public key for ${kidOf(key)}`);
        return PublicKey;
      });
      // A failed read is not kept: the next request tries again.
      pending.catch(() => this.cache.delete(key));
      this.cache.set(key, pending);
    }
    return pending;
  }
}
