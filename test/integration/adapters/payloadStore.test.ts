import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { S3PayloadStore } from '#shared/adapters/s3/S3PayloadStore';
import { readConfig } from '#shared/config/config';
import type { ProvisionedAxis } from '../../../local/provision';
import { sample } from '../../support/agencies';
import { provisionTestAxis } from '../../support/testAxis';
import { AwsState } from '../helpers/awsState';

let axis: ProvisionedAxis;
let store: S3PayloadStore;
let state: AwsState;

beforeAll(async () => {
  axis = await provisionTestAxis('payload-store');
  store = new S3PayloadStore(axis.bucket, { forcePathStyle: readConfig().s3ForcePathStyle });
  state = new AwsState();
});

afterAll(async () => {
  state?.destroy();
  await axis?.teardown();
});

/** Every byte value, then bytes that are not valid UTF-8 or look like line endings. */
function awkwardBytes(): Buffer {
  const everyValue = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
  const tricky = Buffer.from([0xef, 0xbb, 0xbf, 0x0d, 0x0a, 0x0d, 0xc3, 0x28, 0xff, 0xfe, 0x00]);
  return Buffer.concat([everyValue, tricky, randomBytes(64 * 1024), everyValue.reverse()]);
}

describe('S3PayloadStore', () => {
  it.each([
    ['binary with every byte value', 'binary/every-byte.bin', awkwardBytes],
    ['the 200 KB edXML sample', 'documents/edoc_new.edxml', () => sample('edoc_new.edxml')],
    ['a single byte', 'tiny/one.bin', () => Buffer.from([0x00])],
  ])('round-trips %s byte for byte', async (_, key, make) => {
    const bytes = make();

    await store.put(key, bytes);

    const back = await store.get(key);
    expect(back).toBeInstanceOf(Uint8Array);
    expect(back.byteLength).toBe(bytes.byteLength);
    expect(Buffer.from(back).equals(bytes)).toBe(true);
    // The object itself, read past the adapter, holds the same bytes.
    expect((await state.objectBytes(axis.bucket, key)).equals(bytes)).toBe(true);
  });

  it('the 200 KB sample really is that large', () => {
    expect(sample('edoc_new.edxml').byteLength).toBeGreaterThan(190_000);
  });

  it('replaces an object written again under the same key', async () => {
    await store.put('replace/me.bin', Buffer.from('first'));
    await store.put('replace/me.bin', Buffer.from('second, longer'));
    expect(Buffer.from(await store.get('replace/me.bin')).toString()).toBe('second, longer');
  });

  it('fails to read a key that was never written', async () => {
    await expect(store.get(`missing/${randomBytes(8).toString('hex')}`)).rejects.toThrow();
  });
});
