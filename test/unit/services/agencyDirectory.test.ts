import { beforeEach, describe, expect, it } from 'vitest';
import { AGENCY_PAGE_MAX, getAgency, listAgencies } from '#shared/services/agencyLookup';
import { parseDirectoryFile, syncDirectory } from '#shared/services/importDirectory';
import { GOVERNMENT_OFFICE, NGHE_AN, registerAgencies } from '../../support/agencies';
import { fakeDependencies } from '../../support/fakes';

type Deps = ReturnType<typeof fakeDependencies>;

let deps: Deps;

const FILE = [
  { id: GOVERNMENT_OFFICE, name: 'Văn phòng Chính phủ', parentId: null },
  { id: '000.00.00.G06', name: 'Bộ Ngoại giao', parentId: null },
  { id: '000.00.01.G06', name: 'Cục Lãnh sự', parentId: '000.00.00.G06' },
  { id: NGHE_AN, name: 'UBND tỉnh Nghệ An', parentId: null },
];

beforeEach(async () => {
  deps = fakeDependencies();
  await registerAgencies(deps, [NGHE_AN]);
});

describe('parseDirectoryFile', () => {
  it('reads the national shape, trimming names and defaulting parentId to null', () => {
    const text = JSON.stringify([{ id: 'A.1', name: ' Bộ Y tế ' }, ...FILE]);
    expect(parseDirectoryFile(text)[0]).toEqual({ id: 'A.1', name: 'Bộ Y tế', parentId: null });
  });

  it.each([
    ['not JSON', 'nope', 'not JSON'],
    ['not an array', '{}', 'array'],
    ['an entry that is not an object', '[1]', 'entry 1'],
    ['a bad id', '[{"id":"a b","name":"x"}]', 'entry 1: bad id'],
    ['an id twice', '[{"id":"A","name":"x"},{"id":"A","name":"y"}]', 'entry 2: id A'],
    ['an empty name', '[{"id":"A","name":" "}]', 'entry 1 (A)'],
    ['a bad parent', '[{"id":"A","name":"x","parentId":5}]', 'parentId'],
    ['its own parent', '[{"id":"A","name":"x","parentId":"A"}]', 'own parent'],
  ])('refuses %s, naming the entry', (_name, text, message) => {
    expect(() => parseDirectoryFile(text)).toThrowError(message);
  });
});

describe('syncDirectory', () => {
  it('adds, then on a repeat writes nothing, then updates what changed', async () => {
    const first = await syncDirectory(deps, FILE, { prune: false });
    expect(first).toMatchObject({ added: 4, updated: 0, unchanged: 0, removed: 0 });
    const stored = await deps.nationalDirectory.get('000.00.01.G06');
    expect(stored).toEqual({
      agencyId: '000.00.01.G06',
      name: 'Cục Lãnh sự',
      parentId: '000.00.00.G06',
      importedAt: '2026-12-04T09:00:00.000Z',
    });

    deps.clock.advance(60_000);
    expect(await syncDirectory(deps, FILE, { prune: false })).toMatchObject({
      added: 0,
      unchanged: 4,
    });
    expect((await deps.nationalDirectory.get(GOVERNMENT_OFFICE))?.importedAt).toBe(
      '2026-12-04T09:00:00.000Z',
    );

    const renamed = FILE.map((line) =>
      line.id === NGHE_AN ? { ...line, name: 'Ủy ban nhân dân tỉnh Nghệ An' } : line,
    );
    expect(await syncDirectory(deps, renamed, { prune: false })).toMatchObject({
      updated: 1,
      unchanged: 3,
    });
  });

  it('removes entries missing from the file only when pruning', async () => {
    await syncDirectory(deps, FILE, { prune: false });
    const partial = FILE.slice(0, 2);
    expect(await syncDirectory(deps, partial, { prune: false })).toMatchObject({ removed: 0 });
    expect(deps.nationalDirectory.entries.size).toBe(4);
    expect(await syncDirectory(deps, partial, { prune: true })).toMatchObject({ removed: 2 });
    expect([...deps.nationalDirectory.entries.keys()].sort()).toEqual(
      ['000.00.00.G06', GOVERNMENT_OFFICE].sort(),
    );
  });

  it('reports parents that are nowhere in the directory', async () => {
    const orphan = [{ id: 'B.1', name: 'x', parentId: 'B' }];
    expect((await syncDirectory(deps, orphan, { prune: false })).unknownParents).toEqual(['B']);
  });
});

describe('listAgencies and getAgency', () => {
  beforeEach(async () => {
    await syncDirectory(deps, FILE, { prune: false });
  });

  it('lists by prefix in identifier order, marking who is connected here', async () => {
    const page = await listAgencies(deps, { prefix: '000.00.00.' });
    expect(page).toEqual({
      items: [
        { id: '000.00.00.G06', name: 'Bộ Ngoại giao', parentId: null, connected: false },
        {
          id: GOVERNMENT_OFFICE,
          name: 'Văn phòng Chính phủ',
          parentId: null,
          connected: false,
        },
        { id: NGHE_AN, name: 'UBND tỉnh Nghệ An', parentId: null, connected: true },
      ],
    });
  });

  it('pages with a cursor until the directory is exhausted', async () => {
    const first = await listAgencies(deps, { limit: '3' });
    expect(first.items).toHaveLength(3);
    const second = await listAgencies(deps, { limit: '3', cursor: first.cursor });
    expect(second).toEqual({ items: [expect.objectContaining({ id: '000.00.01.G06' })] });
  });

  it.each([
    { limit: '0' },
    { limit: String(AGENCY_PAGE_MAX + 1) },
    { limit: 'x' },
    { prefix: 'a b' },
    { prefix: '*' },
  ])('refuses %j with INVALID_PARAMETER', async (query) => {
    await expect(listAgencies(deps, query)).rejects.toMatchObject({ code: 'INVALID_PARAMETER' });
  });

  it('answers one agency, from the directory or else from its registration', async () => {
    expect(await getAgency(deps, '000.00.01.G06')).toEqual({
      id: '000.00.01.G06',
      name: 'Cục Lãnh sự',
      parentId: '000.00.00.G06',
      connected: false,
    });
    await deps.nationalDirectory.removeAll([NGHE_AN]);
    expect(await getAgency(deps, NGHE_AN)).toMatchObject({ id: NGHE_AN, connected: true });
  });

  it.each(['000.00.00.X00', '', 'a/b'])('answers NOT_FOUND for %j', async (agencyId) => {
    await expect(getAgency(deps, agencyId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
