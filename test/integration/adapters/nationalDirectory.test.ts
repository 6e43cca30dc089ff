import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoNationalDirectory } from '#shared/adapters/dynamodb/DynamoNationalDirectory';
import type { DirectoryEntry } from '#shared/domain/records';
import { syncDirectory } from '#shared/services/importDirectory';
import type { ProvisionedAxis } from '../../../local/provision';
import { FixedClock } from '../../support/fakes';
import { provisionTestAxis } from '../../support/testAxis';

let axis: ProvisionedAxis;
let store: DynamoNationalDirectory;

beforeAll(async () => {
  axis = await provisionTestAxis('national-directory');
  store = new DynamoNationalDirectory(axis.tables.nationalDirectory);
});

afterAll(async () => {
  await axis?.teardown();
});

const AT = '2026-12-04T09:00:00.000Z';
const entry = (agencyId: string, parentId?: string): DirectoryEntry => ({
  agencyId,
  name: `Cơ quan ${agencyId}`,
  ...(parentId ? { parentId } : {}),
  importedAt: AT,
});

describe('DynamoNationalDirectory', () => {
  it('writes more entries than one batch holds, and reads each back', async () => {
    const many = Array.from({ length: 60 }, (_, i) => entry(`P1.${String(i).padStart(3, '0')}`));
    await store.putAll(many);

    expect(await store.get('P1.007')).toEqual(many[7]);
    expect(await store.get('P1.999')).toBeUndefined();
    const pages: DirectoryEntry[][] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const listed = await store.list({ prefix: 'P1.', limit: 25, cursor });
      pages.push(listed.items);
      cursor = listed.cursor;
      if (!cursor) break;
    }
    expect(pages.flat()).toEqual(many);
    expect(pages[0]).toHaveLength(25);
  });

  it('keeps parents, and lists only identifiers under the prefix', async () => {
    await store.putAll([entry('P2.A'), entry('P2.A.1', 'P2.A'), entry('P2B')]);

    const { items } = await store.list({ prefix: 'P2.', limit: 10 });
    expect(items).toEqual([entry('P2.A'), entry('P2.A.1', 'P2.A')]);
  });

  it('refuses a cursor from another prefix or of the wrong shape', async () => {
    for (const raw of ['Q9.1', 'has space']) {
      const cursor = Buffer.from(raw).toString('base64url');
      await expect(store.list({ prefix: 'P3.', limit: 5, cursor })).rejects.toMatchObject({
        code: 'INVALID_PARAMETER',
      });
    }
  });

  it('removes entries, and a sync against the table prunes what the file dropped', async () => {
    await store.putAll([entry('P4.1'), entry('P4.2')]);
    await store.removeAll(['P4.1']);
    expect(await store.get('P4.1')).toBeUndefined();

    const deps = { nationalDirectory: store, clock: new FixedClock() };
    const file = [{ id: 'P4.3', name: 'Sở Tư pháp', parentId: null }];
    const result = await syncDirectory(deps, file, { prune: true });
    expect(result).toMatchObject({ added: 1 });
    expect(await store.get('P4.2')).toBeUndefined();
    expect(await store.get('P4.3')).toEqual({
      agencyId: 'P4.3',
      name: 'Sở Tư pháp',
      importedAt: AT,
    });
  });
});
