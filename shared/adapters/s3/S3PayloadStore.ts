import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { PayloadStore } from '../../domain/ports';

/**
 * Payload bytes in S3, exactly as received (the claim check: edXML with
 * attachments outgrows SQS messages and DynamoDB items).
 */
export class S3PayloadStore implements PayloadStore {
  private readonly client: S3Client;

  constructor(
    private readonly bucket: string,
    options: { forcePathStyle: boolean },
  ) {
    this.client = new S3Client({ forcePathStyle: options.forcePathStyle });
  }

  async put(key: string, bytes: Uint8Array): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: 'application/xml',
      }),
    );
  }

  async get(key: string): Promise<Uint8Array> {
    const { Body } = await this.client.send(
      new GetObjectCommand({ Bucket: this.bucket, Key: key }),
    );
    if (!Body) throw new Error(`payload ${key} has no body`);
    return Body.transformToByteArray();
  }
}
