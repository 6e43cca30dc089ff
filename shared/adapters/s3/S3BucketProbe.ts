import { HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { HealthProbe } from '../../observability/health';

let client: S3Client | undefined;

/** Health of the payload bucket: it exists and this function may reach it (HeadBucket). */
export class S3BucketProbe implements HealthProbe {
  constructor(
    readonly component: string,
    private readonly bucket: string,
    private readonly options: { readonly forcePathStyle: boolean },
  ) {}

  async check(): Promise<void> {
    client ??= new S3Client({ forcePathStyle: this.options.forcePathStyle });
    await client.send(new HeadBucketCommand({ Bucket: this.bucket }));
  }
}
