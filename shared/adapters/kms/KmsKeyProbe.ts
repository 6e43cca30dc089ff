import { DescribeKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import type { HealthProbe } from '../../observability/health';

let client: KMSClient | undefined;

/** Health of the signing key: it exists and is enabled, so the axis can still sign. */
export class KmsKeyProbe implements HealthProbe {
  constructor(
    readonly component: string,
    private readonly keyId: string,
  ) {}

  async check(): Promise<void> {
    client ??= new KMSClient({});
    const { KeyMetadata } = await client.send(new DescribeKeyCommand({ KeyId: this.keyId }));
    if (KeyMetadata?.KeyState !== 'Enabled') {
      throw new Error(`key is ${KeyMetadata?.KeyState ?? 'unknown'}`);
    }
  }
}
