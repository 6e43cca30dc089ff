import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { TrustMaterial, TrustStore } from '../../domain/ports';

const FOLDERS: Record<keyof TrustMaterial, string> = {
  anchors: 'trust/anchors/',
  intermediates: 'trust/intermediates/',
  crls: 'trust/crls/',
};

/**
 * Trust anchors, intermediate certificates and CRLs that operators load, as
 * DER files under `trust/` in the payload bucket. Read at most every
 * `ttlMs` per process, so a new CRL is in force within that time.
 */
export class S3TrustStore implements TrustStore {
  private readonly client: S3Client;
  private cached?: { material: Promise<TrustMaterial>; expires: number };

  constructor(
    private readonly bucket: string,
    options: { forcePathStyle: boolean; ttlMs: number },
  ) {
    this.client = new S3Client({ forcePathStyle: options.forcePathStyle });
    this.ttlMs = options.ttlMs;
  }

  private readonly ttlMs: number;

  async load(): Promise<TrustMaterial> {
    const now = Date.now();
    if (!this.cached || this.cached.expires <= now) {
      const material = this.read();
      this.cached = { material, expires: now + this.ttlMs };
      material.catch(() => {
        this.cached = undefined;
      });
    }
    return this.cached.material;
  }

  async add(kind: keyof TrustMaterial, name: string, der: Uint8Array): Promise<void> {
    if (!/^[A-Za-z0-9._-]{1,128}$/.test(name)) throw new Error(`"${name}" is not a usable name`);
    await this.client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: `${FOLDERS[kind]}${name}`, Body: der }),
    );
    this.cached = undefined;
  }

  private async read(): Promise<TrustMaterial> {
    const [anchors, intermediates, crls] = await Promise.all([
      this.readFolder(FOLDERS.anchors),
      this.readFolder(FOLDERS.intermediates),
      this.readFolder(FOLDERS.crls),
    ]);
    return { anchors, intermediates, crls };
  }

  private async readFolder(prefix: string): Promise<Uint8Array[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).flatMap((object) => (object.Key ? [object.Key] : [])));
      token = page.NextContinuationToken;
    } while (token);
    return Promise.all(
      keys.map(async (key) => {
        const { Body } = await this.client.send(
          new GetObjectCommand({ Bucket: this.bucket, Key: key }),
        );
        if (!Body) throw new Error(`trust file ${key} has no body`);
        return Body.transformToByteArray();
      }),
    );
  }
}
